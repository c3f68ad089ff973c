import InfraModel
import SimKernel

/// What a deploy asks of its pool, from the spec alone (`capsim validate`): the instances a step
/// takes out of the rotation and the utilisation of those left; on a cluster, the extra pods it
/// holds and the nodes the cluster needs with them.
public struct DeployLoad: Sendable, Equatable {
    /// The pool (a station index) and when the deploy begins.
    public var station: Int
    public var at: SimTime
    /// "rolling", "canary" or "blue-green".
    public var strategy: String
    /// Instances out of the rotation at once while a step is under way (a canary's the larger of
    /// its canaries and its promotion batch; none for blue-green), of the pool's `instances`
    /// (nil for an autoscaled pool, whose count varies).
    public var out: Int
    public var instances: Int?
    /// The busiest instance's utilisation with `out` instances gone (infinite when none is
    /// left); nil for unlimited workers or an autoscaled pool.
    public var stepUtilization: Double?
    /// On a cluster: the extra pods it holds (a blue-green deploy's second fleet, a surge), the
    /// fewest nodes whose room covers them beside every pod of the cluster (a lower bound, as
    /// `ClusterRequests.minimumNodes`), and the cluster's nodes (its `max` with an autoscaler);
    /// nil for VMs or a deploy without extra pods.
    public var extraPods: Int
    public var nodesNeeded: Int?
    public var clusterNodes: Int?

    /// True when the instances left during a step cannot carry the offered load.
    public var overloadedDuringStep: Bool { (stepUtilization ?? 0) >= 1 }
    /// True when the cluster can never hold the extra pods: the switch, or the rollout's steps,
    /// would wait for them until the horizon.
    public var extraPodsNeverFit: Bool { (nodesNeeded ?? 0) > (clusterNodes ?? Int.max) }
}

extension ModelSpec {
    /// Each deploy's load (`deploys` order), given the stations' offered loads (`offeredLoad()`).
    public func deployLoads(_ loads: [OfferedLoad]) -> [DeployLoad] {
        deploys.map { d in
            let pool = stations[d.station]
            let (strategy, out): (String, Int) =
                switch d.strategy {
                case .rolling(let batch): ("rolling", batch)
                case .canary(let k, _, let batch): ("canary", max(k, batch))
                case .blueGreen: ("blue-green", 0)
                }
            let fixed = pool.autoscale == nil
            var stepUtilization: Double?
            if fixed, let u = loads[d.station].utilization {
                let left = pool.instances - out
                stepUtilization = left > 0 ? u * Double(pool.instances) / Double(left) : .infinity
            }
            var load = DeployLoad(
                station: d.station, at: d.at, strategy: strategy, out: out, instances: fixed ? pool.instances : nil,
                stepUtilization: stepUtilization, extraPods: 0)
            if let pod = pool.pod, d.holdsExtra {
                let extra = d.isBlueGreen ? pool.instances : d.surge
                let cluster = clusters[pod.cluster]
                let all = clusterRequests(pod.cluster)
                func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
                load.extraPods = extra
                load.nodesNeeded = max(
                    ceilDiv(all.cpu + extra * pod.cpu, cluster.podCPU),
                    ceilDiv(all.memory + extra * pod.memory, cluster.podMemory))
                load.clusterNodes = cluster.nodes
            }
            return load
        }
    }
}
