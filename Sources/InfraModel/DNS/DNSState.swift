import SimKernel
import SimRandom

/// DNS's run-time state (see `DNSSpec`): where it may send each user, the clients' cache phases,
/// and what its health checks can know of each region's outages.
struct DNSState {
    /// DNS routes some class (checked where a request begins).
    let any: Bool
    /// Per class: its root is an entry, so DNS picks the station it starts at.
    let routed: [Bool]
    /// Per region: its entry station, −1 for none.
    let entry: [Int32]
    /// Per users' region + 1 (0: users in no region): the regions DNS may answer, best first.
    let preference: [[Int32]]
    let phaseStream: RandomStream
    /// The clients' TTL and DNS's detection time, ns.
    let ttl: Int64
    let detect: Int64
    /// Per region: its outages so far, [start, end) in ns (end = .max while in progress; a
    /// region down at time 0 began "long ago"). Those that can no longer change an answer are
    /// dropped when a new one begins.
    var starts: [[Int64]]
    var ends: [[Int64]]
    /// Per region: requests DNS sent there; and requests sent to a region that was down then.
    var resolved: [UInt64]
    var stale: UInt64 = 0

    init(spec: ModelSpec, streams: StreamStore) {
        let count = spec.regions.list.count
        guard let dns = spec.dns else {
            any = false
            routed = Array(repeating: false, count: spec.classes.count)
            entry = []
            preference = []
            phaseStream = streams.stream(path: "dns", purpose: .routing)
            ttl = 0
            detect = 0
            starts = []
            ends = []
            resolved = []
            return
        }
        let entries = dns.entries.map { Int32($0 ?? -1) }
        entry = entries
        routed = spec.classes.map { c in entries.contains(Int32(c.calls[0].station)) }
        any = routed.contains(true)
        let latency = spec.regions.latency
        func ordered(from u: Int?) -> [Int32] {
            let candidates = (0..<count).filter { entries[$0] >= 0 }
            guard let u else { return candidates.map { Int32($0) } }
            // Stable: ties keep the file's order.
            return candidates.enumerated().sorted { a, b in
                let la = a.element == u ? -1 : latency[u][a.element]?.mean ?? .infinity
                let lb = b.element == u ? -1 : latency[u][b.element]?.mean ?? .infinity
                return la != lb ? la < lb : a.offset < b.offset
            }.map { Int32($0.element) }
        }
        preference = [ordered(from: dns.primary)] + (0..<count).map { ordered(from: dns.primary ?? $0) }
        phaseStream = streams.stream(path: "dns", purpose: .routing)
        ttl = dns.ttl.nanoseconds
        detect = dns.detect.nanoseconds
        starts = Array(repeating: [], count: count)
        ends = Array(repeating: [], count: count)
        resolved = Array(repeating: 0, count: count)
    }

    /// Whether DNS knows region g to be down at time x (ns).
    func knownDown(_ g: Int, at x: Int64) -> Bool {
        for k in starts[g].indices where starts[g][k].saturatingAdd(detect) <= x && x < ends[g][k].saturatingAdd(detect)
        {
            return true
        }
        return false
    }
}
