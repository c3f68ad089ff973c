/// Where each class's requests go: its path (stations in order) and how its arrivals are shared.
/// Buffers allocated once in `init`; its owner calls `deallocate()` exactly once.
struct ClassRoutes {
    /// Class paths, flattened: class c visits paths[pathStart[c] ..< pathStart[c + 1]].
    let paths: UnsafeMutablePointer<Int32>
    let pathStart: UnsafeMutablePointer<Int32>
    /// Cumulative weights of the classes that share the workload's arrivals, normalised to end
    /// at 1 (for choosing a class per shared arrival), and those classes' indices.
    let classCumulative: [Double]
    let sharedClasses: [Int32]
    /// Per class: true for synchronous calls through more than one station (a call tree run by
    /// `CallTree/Simulation+Calls`); false for one station or a pipeline.
    let synchronous: [Bool]

    init(_ spec: ModelSpec) {
        synchronous = spec.classes.map { $0.mode == .synchronous && $0.calls.count > 1 }
        let flat = spec.classes.flatMap { $0.path.map { Int32($0) } }
        paths = .allocate(capacity: max(flat.count, 1))
        paths.initialize(from: flat, count: flat.count)
        pathStart = .allocate(capacity: spec.classes.count + 1)
        var start: Int32 = 0
        pathStart[0] = 0
        for (c, cls) in spec.classes.enumerated() {
            start += Int32(cls.path.count)
            pathStart[c + 1] = start
        }
        let shared = spec.classes.indices.filter { spec.classes[$0].arrivals == nil }
        let total = shared.reduce(0) { $0 + spec.classes[$1].weight }
        var acc = 0.0
        classCumulative = shared.map {
            acc += spec.classes[$0].weight
            return acc / total
        }
        sharedClasses = shared.map { Int32($0) }
    }

    func deallocate() {
        paths.deallocate()
        pathStart.deallocate()
    }
}
