import InfraModel
import SimKernel
import SimRandom

/// The warm-up chosen by MSER-5 for `warmup: auto`.
public struct WarmupChoice: Sendable, Equatable {
    /// The truncation point as simulated time: requests arriving before it are not measured.
    public var warmup: SimTime
    /// Truncation in batches of 5 observations, and the batches considered.
    public var batch: Int
    public var batches: Int
    /// Pilot replications the choice was made on.
    public var pilots: Int
    /// True when the minimum lies at the edge of the search (half the series): the horizon may
    /// be too short to reach a steady state.
    public var atSearchLimit: Bool

    public init(warmup: SimTime, batch: Int, batches: Int, pilots: Int, atSearchLimit: Bool) {
        self.warmup = warmup
        self.batch = batch
        self.batches = batches
        self.pilots = pilots
        self.atSearchLimit = atSearchLimit
    }
}

/// MSER-5 (White 1997; Franklin & White 2008): truncate the initial transient where the
/// standard error of the mean of what remains is smallest.
///
/// The output series is the latency of requests in the order they finish, in batches of 5 (the
/// legitimate classes' successes: the headline latency's series, which leaves attack classes out).
/// Pilot replications (the first few replication indices, run with no warm-up) are averaged
/// batch by batch into one series, so one truncation point holds for all replications. The
/// point is converted to time as the mean arrival time of the first request after it.
public enum WarmupDetection {
    public static let batchSize = 5
    /// Batch means kept per pilot (memory bound: 2M batches of 16 bytes).
    public static let maximumBatches = 2_000_000

    /// A sink collecting the pilot's batch means and the arrival time of each batch's first request.
    struct Probe: RecordSink {
        var means: [Double] = []
        var starts: [Double] = []
        var sum = 0.0, count = 0, start = 0.0
        /// Per class, whether it is an attack class (left out of the series).
        var attack: [Bool] = []

        mutating func requestEnded(_ r: RequestRecord) {
            guard case .success = r.outcome, means.count < WarmupDetection.maximumBatches, !attack[Int(r.classIndex)]
            else { return }
            if count == 0 { start = r.arrival.seconds }
            sum += r.latency.seconds
            count += 1
            if count == WarmupDetection.batchSize {
                means.append(sum / Double(count))
                starts.append(start)
                sum = 0
                count = 0
            }
        }
        mutating func hopEnded(_ h: HopRecord) {}
        mutating func windowOpened(_ c: ModelCounters) {}
        mutating func windowClosed(_ c: ModelCounters) {}
    }

    /// The MSER statistic's minimiser over d in 0 ..< m/2 for the series z.
    public static func mser(_ z: [Double]) -> Int {
        let m = z.count
        guard m >= 4 else { return 0 }
        // Suffix sums make each MSER(d) = Σ(z − mean)² / (m − d)² an O(1) evaluation.
        var s1 = 0.0
        var s2 = 0.0
        var best = (d: 0, value: Double.infinity)
        for d in stride(from: m - 1, through: 0, by: -1) {
            s1 += z[d]
            s2 += z[d] * z[d]
            let n = Double(m - d)
            guard d <= m / 2 else { continue }
            let ss = max(0, s2 - s1 * s1 / n)
            let value = ss / (n * n)
            if value <= best.value { best = (d, value) }
        }
        return best.d
    }

    /// Runs `pilots` replications of `spec` with no warm-up and chooses the truncation point.
    public static func choose(spec: ModelSpec, seed: UInt64, pilots: Int) -> WarmupChoice {
        var pilotSpec = spec
        pilotSpec.window.warmup = .zero
        var probes: [Probe] = []
        for r in 0..<pilots {
            var sim = Simulation<FullModel>(spec: pilotSpec, streams: StreamStore(seed: seed), replication: r)
            var probe = Probe(attack: spec.classes.map(\.attack))
            _ = sim.run(into: &probe)
            probes.append(probe)
        }
        let m = probes.map(\.means.count).min() ?? 0
        var z = Array(repeating: 0.0, count: m)
        var t = Array(repeating: 0.0, count: m)
        for p in probes {
            for j in 0..<m {
                z[j] += p.means[j] / Double(probes.count)
                t[j] += p.starts[j] / Double(probes.count)
            }
        }
        let d = mser(z)
        let warmup = d < m ? SimTime.zero + SimDuration(seconds: t[d]) : .zero
        return WarmupChoice(
            warmup: min(warmup, spec.window.horizon), batch: d, batches: m, pilots: probes.count,
            atSearchLimit: m >= 4 && d >= m / 2 - 1)
    }
}
