import InfraModel
import SimKernel

/// One replication's spending over the measurement window [warm-up, horizon], per component:
/// instance-time held (the model's held-instance integral), requests handled (visits of measured
/// requests that got a worker: retries and repeated calls count each time) and responses sent
/// (measured successful requests × their class's response size, at the class's entry component),
/// and the telemetry those visits emitted.
/// The cost metrics scale these to the horizon and to a 730-hour month.
struct CostAccount {
    /// Money spent over the window, per station.
    var instances: [Double]
    var requests: [Double]
    var egress: [Double]
    /// Telemetry emitted by the requests handled: ingested and stored.
    var telemetry: [Double]
    /// Money spent over the window on each cluster's nodes (node-time held × price).
    var nodes: [Double]
    /// Measured successful requests.
    var successes: UInt64

    init?(
        spec: ModelSpec, cost: CostModel, layout: MetricLayout, histograms: [LatencyHistogram],
        opened: ModelCounters?, closed: ModelCounters?, successes: UInt64
    ) {
        guard let o = opened, let e = closed, o.heldIntegral.count == spec.stations.count,
            e.heldIntegral.count == spec.stations.count
        else { return nil }
        let n = spec.stations.count
        instances = Array(repeating: 0, count: n)
        requests = Array(repeating: 0, count: n)
        egress = Array(repeating: 0, count: n)
        telemetry = Array(repeating: 0, count: n)
        self.successes = successes
        nodes = Array(repeating: 0, count: spec.clusters.count)
        for c in nodes.indices where c < cost.clusters.count {
            guard let price = cost.clusters[c], c < e.nodeHeldIntegral.count, c < o.nodeHeldIntegral.count else {
                continue
            }
            nodes[c] = (e.nodeHeldIntegral[c] - o.nodeHeldIntegral[c]) / 3.6e12 * price
        }
        for s in 0..<n {
            guard let p = cost.stations[s] else { continue }
            if let price = p.instanceHour {
                instances[s] = (e.heldIntegral[s] - o.heldIntegral[s]) / 3.6e12 * price
            }
            let visits = Double(histograms[layout.hopBase + layout.hopStride * s].count)
            if let price = p.perMillionRequests { requests[s] = visits * price / 1e6 }
            if let t = p.telemetry { telemetry[s] = visits * t.bytesPerRequest * t.pricePerByte }
        }
        for (k, c) in spec.classes.enumerated() where cost.responseBytes[k] > 0 {
            let entry = c.path[0]
            guard let price = cost.stations[entry]?.egressPerGB else { continue }
            let served = layout.classBase.map { histograms[$0 + k].count } ?? successes
            egress[entry] += Double(served) * cost.responseBytes[k] / 1e9 * price
        }
    }

    /// The horizon's instance cost over the window's: each instance's holding period over the
    /// horizon is billed in whole units of its granularity (a fixed fleet's instances are held
    /// for the whole horizon, so it bills ⌈horizon / granularity⌉ units each).
    static func rounding(_ billing: CostModel.Billing, horizon: SimTime) -> Double {
        let g: Int64 = billing == .perSecond ? 1_000_000_000 : 3_600_000_000_000
        let h = horizon.nanoseconds
        guard h > 0 else { return 1 }
        let units = h / g + (h % g == 0 ? 0 : 1)
        return Double(units) * Double(g) / Double(h)
    }

    /// A cost figure of this replication, in money.
    func value(_ figure: CostFigure, spec: ModelSpec, cost: CostModel) -> Double {
        let window = spec.window.measured.seconds
        let horizon = Double(spec.window.horizon.nanoseconds) * 1e-9
        let month = CostModel.monthSeconds / window
        func total(_ s: Int) -> Double { instances[s] + requests[s] + egress[s] + telemetry[s] }
        let allNodes = nodes.reduce(0, +)
        let all = instances.indices.reduce(0.0) { $0 + total($1) } + allNodes
        switch figure {
        case .horizon:
            var sum = 0.0
            for s in instances.indices {
                let billing = cost.stations[s]?.billing ?? .perSecond
                sum +=
                    instances[s] * Self.rounding(billing, horizon: spec.window.horizon) + requests[s] + egress[s]
                    + telemetry[s]
            }
            // Nodes are billed per second; a fixed node count is held for the whole horizon.
            sum += allNodes * Self.rounding(.perSecond, horizon: spec.window.horizon)
            return sum * horizon / window
        case .monthly: return all * month
        case .perMillionSuccessful: return successes > 0 ? all / Double(successes) * 1e6 : .nan
        case .monthlyInstances: return instances.reduce(0, +) * month
        case .monthlyRequests: return requests.reduce(0, +) * month
        case .monthlyEgress: return egress.reduce(0, +) * month
        case .monthlyTelemetry: return telemetry.reduce(0, +) * month
        case .componentMonthly(let s): return total(s) * month
        case .monthlyNodes: return allNodes * month
        case .clusterMonthly(let c): return nodes[c] * month
        }
    }
}
