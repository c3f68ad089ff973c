import SimRandom

/// The users of closed workloads (`ArrivalProcess.closed`): who they are, which request each is
/// waiting for, and the streams of their think times.
///
/// Users are numbered over all populations: population p's are `first[p] ..< first[p] + users`.
/// Invariant: a user is either thinking (exactly one pending `UserEvent.thinkEnd`, or none
/// once its next request would come after the horizon) or waiting for the one request whose
/// serial maps to it in `waitingFor` — never both.
struct Users {
    struct Population {
        /// The class its requests belong to; −1 for the workload's shared process (a class by weight).
        let classIndex: Int32
        let first: Int32
        let count: Int32
        let think: Distribution
        /// Think times, seated at (replication, user, think number × 256): a user's n-th think
        /// does not depend on what other users did (common random numbers across designs).
        let stream: RandomStream
    }

    let populations: [Population]
    /// True when some class or the workload is closed.
    let any: Bool
    /// Per user: its population.
    var population: [Int32]
    /// Per user: think times drawn so far.
    var thinks: [UInt64]
    /// Request serial → the user waiting for it. Looked up, never iterated, so its order
    /// cannot reach an output; reserved for every user at once, so it does not grow in the run.
    var waitingFor: [UInt64: Int32] = [:]

    /// Blocks of a think draw's seat: a draw may use up to 1,024 words before it would run into
    /// the next think's seat.
    static let blocksPerThink: UInt64 = 256

    init(spec: ModelSpec, streams: StreamStore) {
        var list: [Population] = []
        var next: Int32 = 0
        func add(_ process: ArrivalProcess?, classIndex: Int32, path: String) {
            guard case .closed(let p)? = process else { return }
            list.append(
                Population(
                    classIndex: classIndex, first: next, count: Int32(p.users), think: p.think,
                    stream: streams.stream(path: path, purpose: .think)))
            next += Int32(p.users)
        }
        add(spec.arrivals, classIndex: -1, path: "workload")
        for (c, cls) in spec.classes.enumerated() {
            add(cls.arrivals, classIndex: Int32(c), path: "workload.classes." + cls.name)
        }
        populations = list
        any = !list.isEmpty
        population = []
        population.reserveCapacity(Int(next))
        for (p, pop) in list.enumerated() {
            population.append(contentsOf: repeatElement(Int32(p), count: Int(pop.count)))
        }
        thinks = Array(repeating: 0, count: Int(next))
        if any { waitingFor.reserveCapacity(Int(next)) }
    }

    /// All users of every population.
    var userCount: Int { population.count }

    /// User u's next think time (seconds), from its own seat.
    mutating func drawThink(_ u: Int32, replication: UInt32) -> Double {
        let p = populations[Int(population[Int(u)])]
        let n = thinks[Int(u)]
        thinks[Int(u)] = n &+ 1
        p.stream.seat(replication: replication, entity: UInt64(u), block: n &* Self.blocksPerThink)
        return max(0, p.think.sample(p.stream))
    }
}
