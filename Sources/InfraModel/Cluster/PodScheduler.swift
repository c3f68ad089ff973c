/// The nodes of one cluster as the scheduler sees them: what each has left to allocate, its
/// zone, and how many pods it runs. A value type the router hands in; it decides nothing on
/// its own but through `choose`.
struct NodeTable {
    /// CPU (millicores) and memory (bytes) of one node allocatable to pods (agents reserved,
    /// CPU over-commit counted: `ClusterSpec.podCPU`).
    let cpuCapacity: Int
    let memoryCapacity: Int
    /// Per node: CPU and memory not yet requested by its pods, its zone (−1: none), its pods.
    var cpuFree: [Int]
    var memoryFree: [Int]
    let zone: [Int32]
    var pods: [Int32]
    /// Per node: down (failed, out with its zone, or in a scheduled outage): no pod fits.
    var down: [Bool]

    init(_ spec: ClusterSpec) {
        cpuCapacity = spec.podCPU
        memoryCapacity = spec.podMemory
        cpuFree = Array(repeating: spec.podCPU, count: spec.nodes)
        memoryFree = Array(repeating: spec.podMemory, count: spec.nodes)
        zone = (0..<spec.nodes).map { Int32(spec.zone(ofNode: $0)) }
        pods = Array(repeating: 0, count: spec.nodes)
        down = Array(repeating: false, count: spec.nodes)
    }

    /// Nodes running at least one pod.
    var used: Int { pods.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// Whether a pod requesting `cpu` millicores and `memory` bytes fits on node k.
    func fits(_ k: Int, cpu: Int, memory: Int) -> Bool { !down[k] && cpuFree[k] >= cpu && memoryFree[k] >= memory }

    /// Node k's score for the pod under `score` (higher is better), as Kubernetes'
    /// NodeResourcesFit computes it with equal weights: the mean over CPU and memory of the
    /// share left free (least allocated) or requested (most allocated) once the pod is placed.
    func score(_ k: Int, cpu: Int, memory: Int, _ score: ClusterSpec.Score) -> Double {
        let cpuShare = Double(cpuFree[k] - cpu) / Double(cpuCapacity)
        let memoryShare = Double(memoryFree[k] - memory) / Double(memoryCapacity)
        let free = (cpuShare + memoryShare) / 2
        return score == .leastAllocated ? free : 1 - free
    }

    /// The node for a pod of a pool whose pods per zone are `zonePods` (indexed by zone; only
    /// read when `spread`), or nil when it fits nowhere. Filter: the nodes with room (and, for
    /// `spread`, in a zone with the fewest of the pool's pods among the zones with such a node);
    /// then the best score; ties go to the lowest node index, so placement is deterministic.
    func choose(cpu: Int, memory: Int, score: ClusterSpec.Score, spread: Bool, zonePods: [Int32]) -> Int? {
        var fewest = Int32.max
        if spread {
            for k in cpuFree.indices where zone[k] >= 0 && fits(k, cpu: cpu, memory: memory) {
                fewest = min(fewest, zonePods[Int(zone[k])])
            }
        }
        var best: Int?
        var bestScore = -Double.infinity
        for k in cpuFree.indices where fits(k, cpu: cpu, memory: memory) {
            if spread && zone[k] >= 0 && zonePods[Int(zone[k])] != fewest { continue }
            let s = self.score(k, cpu: cpu, memory: memory, score)
            if s > bestScore {
                best = k
                bestScore = s
            }
        }
        return best
    }

    /// Reserves a pod's requests on node k.
    mutating func place(on k: Int, cpu: Int, memory: Int) {
        precondition(fits(k, cpu: cpu, memory: memory), "a pod is placed only on a node it fits")
        cpuFree[k] -= cpu
        memoryFree[k] -= memory
        pods[k] += 1
    }

    /// Frees a pod's requests on node k.
    mutating func remove(from k: Int, cpu: Int, memory: Int) {
        precondition(pods[k] > 0, "a pod leaves only a node that runs it")
        cpuFree[k] += cpu
        memoryFree[k] += memory
        pods[k] -= 1
    }
}
