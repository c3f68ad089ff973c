import SimRandom

/// The classes' call trees at run time: their flattened structure (`CallTable`), the draws that
/// decide optional and repeated calls, the retry-budget tokens of each node's watched call, and
/// scratch space for the branch strands of the fan-out being started (kept to reuse its storage).
/// Its owner calls `deallocate()` exactly once.
struct CallTrees {
    let table: CallTable
    /// Seated per (request, node, visit key, attempt): see `Simulation.makesCall`.
    let stream: RandomStream
    /// Per call-tree node (flat index): retry-budget tokens of its watched call.
    var budget: [Double] = []
    var scratch: ContiguousArray<Int32> = []

    @inline(__always) var policies: [RetryPolicy] { table.policies }
    @inline(__always) var services: [Sampler] { table.services }
    @inline(__always) var targets: UnsafeMutablePointer<Int32> { table.targets }
    @inline(__always) var steps: UnsafeMutablePointer<CallTable.Step> { table.steps }
    @inline(__always) func node(_ c: Int32, _ n: Int32) -> UnsafeMutablePointer<CallTable.Node> { table.node(c, n) }
    @inline(__always) func flat(_ c: Int32, _ n: Int32) -> Int { table.flat(c, n) }

    func deallocate() { table.deallocate() }
}
