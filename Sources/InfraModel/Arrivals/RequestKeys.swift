import SimKernel
import SimRandom

/// Request keys: the key distribution and random stream of each class with `keys:`. One key per
/// request, shared by everything that looks at keys — caches, consistent hashing and the
/// database — so a hot key is hot everywhere at once, as in a real system.
///
/// A request's key is its own draw: the class's stream (path `workload.classes.<name>`, purpose
/// keys) seated at (replication, request serial), so the key does not depend on the design
/// (common random numbers) and every attempt of a client — which shares its serial — draws the
/// same key. A class without keys draws nothing.
struct RequestKeys {
    /// Per class: its key distribution and stream, nil without `keys:`.
    let classes: [(distribution: KeyDistribution, stream: RandomStream)?]
    /// Some class has keys (keeps the per-arrival check to one flag for the rest).
    let any: Bool

    init(spec: ModelSpec, streams: StreamStore) {
        classes = spec.classes.map { c in
            c.keys.map { ($0, streams.stream(path: "workload.classes." + c.name, purpose: .keys)) }
        }
        any = classes.contains { $0 != nil }
        for (s, st) in spec.stations.enumerated() where st.balance == .consistentHash {
            for c in spec.classes where c.keys == nil && c.calls.contains(where: { $0.station == s }) {
                preconditionFailure("consistent_hash at '\(st.name)' needs keys: class '\(c.name)' has none")
            }
        }
    }

    /// The key of the request with serial `serial` of class `c` (0 for a class without keys).
    @inline(__always)
    func key(serial: UInt64, classIndex c: Int32, replication: UInt32) -> UInt64 {
        guard let k = classes[Int(c)] else { return 0 }
        k.stream.seat(replication: replication, entity: serial)
        return k.distribution.sample(k.stream)
    }
}

extension Simulation {
    /// The data key of request serial `serial` of class `c` (see `RequestKeys`).
    @inline(__always)
    func dataKey(serial: UInt64, classIndex c: Int32) -> UInt64 {
        arrivals.keys.key(serial: serial, classIndex: c, replication: replication)
    }
}
