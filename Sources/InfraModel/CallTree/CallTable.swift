import SimRandom

/// The classes' call trees, flattened into buffers the hot path reads without reference
/// counting: class c's node n is entry `start[c] + n`; node entries list their steps, steps
/// list their target nodes (class-local indices).
///
/// Built once per replication; its owner (`Simulation`) calls `deallocate()` exactly once.
struct CallTable {
    struct Node {
        var station: Int32
        /// Chance the caller makes the call to this node, and the chance a call is repeated.
        var probability: Double
        var again: Double
        var firstStep: Int32
        var stepCount: Int32
        /// A watched call (timeout or retries): run as a strand of its own. Its timeout queue
        /// in `Simulation.timers` (−1: none) and its retry policy in `policies` (−1: none).
        var guarded: Bool
        var timerQueue: Int32 = -1
        var policy: Int32 = -1
        /// A read or a write of a database (`DataAccess`).
        var access: DataAccess = .none
        /// The visit's own service demand: its index in `services`; −1: the station's.
        var service: Int32 = -1
    }

    struct Step {
        var firstTarget: Int32
        var targetCount: Int32
        /// A fan-out: every target is called at once (a single call when false).
        var parallel: Bool
    }

    let start: UnsafeMutablePointer<Int32>
    let nodes: UnsafeMutablePointer<Node>
    let steps: UnsafeMutablePointer<Step>
    let targets: UnsafeMutablePointer<Int32>
    /// Retry policies of watched calls (read only when a call fails).
    let policies: [RetryPolicy]
    /// The visits' own service demands (`CallNode.service`), ready to draw from.
    let services: [Sampler]

    init(_ classes: [RequestClass]) {
        var nodes: [Node] = []
        var steps: [Step] = []
        var targets: [Int32] = []
        var start: [Int32] = [0]
        var policies: [RetryPolicy] = []
        var services: [Sampler] = []
        for c in classes {
            for n in c.calls {
                var node = Node(
                    station: Int32(n.station), probability: n.probability, again: n.again,
                    firstStep: Int32(steps.count), stepCount: Int32(n.steps.count), guarded: n.isGuarded)
                node.access = n.access
                if let r = n.retries {
                    node.policy = Int32(policies.count)
                    policies.append(r)
                }
                if let d = n.service {
                    node.service = Int32(services.count)
                    services.append(Sampler(d))
                }
                nodes.append(node)
                for step in n.steps {
                    switch step {
                    case .call(let m):
                        steps.append(Step(firstTarget: Int32(targets.count), targetCount: 1, parallel: false))
                        targets.append(Int32(m))
                    case .parallel(let ms):
                        steps.append(
                            Step(firstTarget: Int32(targets.count), targetCount: Int32(ms.count), parallel: true))
                        targets.append(contentsOf: ms.map { Int32($0) })
                    }
                }
            }
            start.append(Int32(nodes.count))
        }
        self.start = Self.buffer(start)
        self.nodes = Self.buffer(nodes)
        self.steps = Self.buffer(steps)
        self.targets = Self.buffer(targets)
        self.policies = policies
        self.services = services
    }

    private static func buffer<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, values.count))
        p.initialize(from: values, count: values.count)
        return p
    }

    /// The flat index of class c's node n (for per-node state such as retry budgets).
    @inline(__always)
    func flat(_ c: Int32, _ n: Int32) -> Int { Int(start[Int(c)] &+ n) }

    /// Class c's node n.
    @inline(__always)
    func node(_ c: Int32, _ n: Int32) -> UnsafeMutablePointer<Node> { nodes + Int(start[Int(c)] &+ n) }

    /// Number of nodes of class c.
    @inline(__always)

    func deallocate() {
        start.deallocate()
        nodes.deallocate()
        steps.deallocate()
        targets.deallocate()
    }
}
