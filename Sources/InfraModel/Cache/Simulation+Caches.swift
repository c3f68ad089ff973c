import SimKernel
import SimRandom

/// The run-time state of the caches (`kind: cache`, `kind: cdn`): per cache station its rule
/// and, for an LRU, one `LRUCache` per instance. Allocated once per replication.
struct CacheState {
    struct Entry {
        let station: Int
        let spec: CacheSpec
        /// `hit_ratio`, or −1 for an LRU.
        let hitRatio: Double
        /// Hit-or-miss draws of `hit_ratio`, seated per request, node and attempt.
        let stream: RandomStream
        /// One LRU per instance (empty for `hit_ratio`).
        var lrus: [LRUCache]
    }

    /// Per station: its index in `entries`, or −1 for a station that is not a cache.
    let index: [Int32]
    var entries: [Entry]
    /// Some station is a cache (one flag keeps the checks off every other model's path).
    let any: Bool

    init(spec: ModelSpec, streams: StreamStore) {
        var index: [Int32] = []
        var entries: [Entry] = []
        for (s, st) in spec.stations.enumerated() {
            guard let c = st.cache else {
                index.append(-1)
                continue
            }
            index.append(Int32(entries.count))
            var ratio = -1.0
            var lrus: [LRUCache] = []
            switch c.policy {
            case .ratio(let h): ratio = h
            case .lru(let capacity, let ttl):
                for _ in 0..<st.instances { lrus.append(LRUCache(capacity: capacity, ttl: ttl)) }
            }
            entries.append(
                Entry(
                    station: s, spec: c, hitRatio: ratio,
                    stream: streams.stream(path: "components." + st.name, purpose: .cache), lrus: lrus))
        }
        self.index = index
        self.entries = entries
        any = !entries.isEmpty
    }

    func deallocate() {
        for e in entries { for l in e.lrus { l.deallocate() } }
    }
}

extension Simulation {
    /// Sizes the cache counters and fills the warm caches (called once, at the end of `init`).
    ///
    /// A warm LRU instance holds the most popular keys it would be sent, most popular first
    /// (rank 1 the most recently used), up to its capacity, all filled at time 0: every key in
    /// rank order under any policy but `consistent_hash`, where an instance takes the keys its
    /// ring owns (ignoring bounded load). Keys are ranks (1 the most popular), the largest key
    /// space of the classes that visit the cache bounding the scan.
    mutating func setUpCaches() {
        guard Shape.hasFeatures && caches.any else { return }
        counters.cacheLookups = Array(repeating: 0, count: stationCount)
        counters.cacheHits = Array(repeating: 0, count: stationCount)
        counters.cacheBypassed = Array(repeating: 0, count: stationCount)
        for k in caches.entries.indices {
            let e = caches.entries[k]
            guard e.spec.start == .warm, !e.lrus.isEmpty else { continue }
            let st = spec.stations[e.station]
            let keyCount =
                spec.classes.filter { c in c.calls.contains { $0.station == e.station } }
                .compactMap { $0.keys?.count }.max() ?? 0
            guard keyCount > 0 else { continue }
            let capacity = e.lrus[0].capacity
            if st.balance == .consistentHash && st.instances > 1 {
                let points = HashRing.points(name: st.name, instances: st.instances, vnodes: st.consistentHash.vnodes)
                var open = st.instances
                // Enough ranks to fill every instance in expectation many times over.
                let limit = min(keyCount, UInt64(64 * capacity * st.instances + 1024))
                var rank: UInt64 = 1
                while open > 0 && rank <= limit {
                    let j = Int(HashRing.owner(of: rank, in: points))
                    if caches.entries[k].lrus[j].count < capacity {
                        _ = caches.entries[k].lrus[j].preload(rank, now: .zero)
                        if caches.entries[k].lrus[j].count == capacity { open -= 1 }
                    }
                    rank += 1
                }
            } else {
                let last = min(keyCount, UInt64(capacity))
                for j in 0..<st.instances where last >= 1 {
                    for rank in 1...last { _ = caches.entries[k].lrus[j].preload(rank, now: .zero) }
                }
            }
        }
    }

    /// Request r's lookup at cache station s (its own service there is over): true on a hit.
    /// `fillNow`: fill a miss at once (a pipeline, or a cache with nothing below it), rather than
    /// when the backend answers (`cacheFill`). A plain station: false, nothing counted.
    @inline(__always)
    mutating func cacheLookup(_ r: Int32, station s: Int, fillNow: Bool) -> Bool {
        let k = Int(caches.index[s])
        guard k >= 0 else { return false }
        counters.cacheLookups[s] &+= 1
        let hit: Bool
        let ratio = caches.entries[k].hitRatio
        if ratio >= 0 {
            let stream = caches.entries[k].stream
            seatDraws(stream, for: r)
            hit = stream.uniform() < ratio
        } else {
            let j = Int(requests[r].instance &- stations[s].firstInstance)
            let key = requests[r].dataKey
            let now = kernel.now
            if fillNow {
                hit = caches.entries[k].lrus[j].access(key, now: now)
            } else {
                hit = caches.entries[k].lrus[j].lookup(key, now: now)
            }
        }
        if hit { counters.cacheHits[s] &+= 1 }
        return hit
    }

    /// A pipeline's lookup at cache station s (not the last station): on a hit the request ends
    /// there, and the stations it skips report no time.
    mutating func pipelineCacheHit(_ r: Int32, station s: Int) -> Bool {
        guard cacheLookup(r, station: s, fillNow: true) else { return false }
        if requests.pathLength > 0 {
            let q = requests[r]
            let n = routes.pathStart[Int(q.classIndex) &+ 1] &- routes.pathStart[Int(q.classIndex)]
            for h in Int(q.hop &+ 1)..<Int(n) { requests.hopTimes(r)[h] = 0 }
        }
        return true
    }

    /// The backend has answered request r's miss at cache instance i (global index) of station
    /// s: the key is filled there. A plain station: nothing.
    @inline(__always)
    mutating func cacheFill(_ r: Int32, instance i: Int32, station s: Int) {
        let k = Int(caches.index[s])
        guard k >= 0, caches.entries[k].hitRatio < 0 else { return }
        let j = Int(i &- stations[s].firstInstance)
        caches.entries[k].lrus[j].fill(requests[r].dataKey, now: kernel.now)
    }

    /// Whether request r, which no instance of station s can take, bypasses it (a cache with
    /// `on_failure: bypass`), and if so sends it on (`passBy`): its calls are made as on a miss,
    /// holding nothing at the cache and filling nothing. A cache with nothing below it cannot be
    /// bypassed.
    mutating func cacheBypass<Sink: RecordSink & ~Copyable>(_ r: Int32, station s: Int, into sink: inout Sink) -> Bool {
        let k = Int(caches.index[s])
        guard k >= 0, caches.entries[k].spec.onFailure == .bypass else { return false }
        guard canPassBy(r, leafPasses: false) else { return false }
        counters.cacheBypassed[s] &+= 1
        passBy(r, into: &sink)
        return true
    }

    /// Instance i (global index) restarts: a cache comes back cold.
    mutating func cacheRestarted(_ i: Int32) {
        let s = Int(instances[Int(i)].station)
        let k = Int(caches.index[s])
        guard k >= 0, !caches.entries[k].lrus.isEmpty else { return }
        caches.entries[k].lrus[Int(i &- stations[s].firstInstance)].removeAll()
    }
}
