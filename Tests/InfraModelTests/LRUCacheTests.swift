import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// The obvious LRU: an array of entries, most recently used first. Slow (O(capacity) per access)
/// and plainly right, so the slab-and-index cache is checked against it.
private struct ReferenceLRU {
    let capacity: Int
    let ttl: Int64?
    var entries: [(key: UInt64, filled: Int64)] = []

    mutating func access(_ key: UInt64, now: Int64) -> Bool {
        if let i = entries.firstIndex(where: { $0.key == key }) {
            var e = entries.remove(at: i)
            let hit = ttl.map { now - e.filled < $0 } ?? true
            if !hit { e.filled = now }
            entries.insert(e, at: 0)
            return hit
        }
        entries.insert((key, now), at: 0)
        if entries.count > capacity { entries.removeLast() }
        return false
    }
}

/// Drives both caches with the same random operations and compares every answer, and the whole
/// recency order and invariants every 50 operations. Returns the number of hits (so callers can
/// check the sequence exercised both outcomes).
private func compareWithReference(
    seed: UInt64, capacity: Int, ttl: Int64?, keys: [UInt64], operations: Int, flushRate: Double
) -> (hits: Int, misses: Int) {
    let store = StreamStore(seed: seed)
    defer { withExtendedLifetime(store) {} }
    let stream = store.stream(path: "tests/lru", purpose: .keys)
    stream.seat(replication: 0, entity: seed & 0xFFFF)
    var cache = LRUCache(capacity: capacity, ttl: ttl.map { SimDuration(nanoseconds: $0) })
    defer { cache.deallocate() }
    var reference = ReferenceLRU(capacity: capacity, ttl: ttl)
    var now: Int64 = 0
    var hits = 0
    var misses = 0
    for op in 0..<operations {
        now += Int64(stream.index(below: 8))
        if stream.uniform() < flushRate {
            cache.removeAll()
            reference.entries.removeAll()
        }
        let key = keys[stream.index(below: keys.count)]
        let got = cache.access(key, now: SimTime(nanoseconds: now))
        let expected = reference.access(key, now: now)
        #expect(got == expected, "seed \(seed) op \(op): key \(key) hit \(got), reference \(expected)")
        if got != expected { break }
        if got { hits += 1 } else { misses += 1 }
        if op % 50 == 49 || op == operations - 1 {
            #expect(cache.checkInvariants() == nil, "seed \(seed) op \(op): \(cache.checkInvariants() ?? "")")
            #expect(cache.keysByRecency() == reference.entries.map(\.key), "seed \(seed) op \(op)")
            #expect(cache.count == reference.entries.count)
        }
    }
    return (hits, misses)
}

@Suite("LRUCache")
struct LRUCacheTests {
    /// 400 seeds: capacities 1…64, key spaces from 1 key to 3 × capacity + 2, with and without a TTL
    /// (1–40 ns against clock steps of 0–7 ns, so entries expire often), with an occasional flush.
    @Test("matches a reference LRU on random access sequences")
    func property() {
        let capacities = [1, 2, 3, 5, 8, 13, 64]
        var totalHits = 0
        var totalMisses = 0
        for seed in UInt64(0)..<400 {
            let capacity = capacities[Int(seed % UInt64(capacities.count))]
            let keySpace = 1 + Int((seed * 7919) % UInt64(3 * capacity + 2))
            let ttl: Int64? = seed % 2 == 0 ? nil : 1 + Int64((seed * 31) % 40)
            let keys = (0..<keySpace).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }  // spread-out, distinct
            let r = compareWithReference(
                seed: seed, capacity: capacity, ttl: ttl, keys: keys,
                operations: 1500, flushRate: 0.002)
            totalHits += r.hits
            totalMisses += r.misses
        }
        #expect(totalHits > 10_000 && totalMisses > 10_000, "hits \(totalHits), misses \(totalMisses)")
    }

    /// Keys chosen so their home buckets are the last two buckets of the table and the first one:
    /// one long probe run that wraps around the end, where backward-shift deletion is easiest to
    /// get wrong.
    @Test("matches the reference when keys collide in the index (probe runs wrap around)")
    func collisions() {
        for capacity in [1, 4, 8, 32] {
            let probe = LRUCache(capacity: capacity)
            let mask = probe.tableSize - 1
            var keys: [UInt64] = []
            var k: UInt64 = 1
            while keys.count < 3 * capacity + 3 {
                let h = probe.home(k)
                if h == mask || h == mask - 1 || h == 0 { keys.append(k) }
                k += 1
            }
            probe.deallocate()
            for seed in UInt64(0)..<40 {
                let ttl: Int64? = seed % 2 == 0 ? nil : 20
                _ = compareWithReference(
                    seed: 1000 + seed, capacity: capacity, ttl: ttl, keys: keys,
                    operations: 1000, flushRate: 0.001)
            }
        }
    }

    @Test("evicts the least recently used key; a hit makes a key the most recent")
    func evictionOrder() {
        var cache = LRUCache(capacity: 3)
        defer { cache.deallocate() }
        let t = SimTime.zero
        let asExpected1 = !cache.access(1, now: t) && !cache.access(2, now: t) && !cache.access(3, now: t)
        #expect(asExpected1)
        #expect(cache.keysByRecency() == [3, 2, 1])
        let asExpected2 = cache.access(1, now: t)
        #expect(asExpected2)
        #expect(cache.keysByRecency() == [1, 3, 2])
        let asExpected3 = !cache.access(4, now: t)  // evicts 2
        #expect(asExpected3)
        #expect(cache.keysByRecency() == [4, 1, 3])
        #expect(!cache.contains(2) && cache.contains(3))
        let asExpected4 = !cache.access(2, now: t)  // evicts 3
        #expect(asExpected4)
        #expect(cache.keysByRecency() == [2, 4, 1])
        let asExpected5 = cache.access(1, now: t) && cache.access(4, now: t) && cache.access(2, now: t)
        #expect(asExpected5)
        #expect(cache.count == 3 && cache.checkInvariants() == nil)

        var one = LRUCache(capacity: 1)
        defer { one.deallocate() }
        let asExpected6 =
            !one.access(7, now: t) && one.access(7, now: t) && !one.access(8, now: t) && !one.access(7, now: t)
        #expect(asExpected6)
        #expect(one.keysByRecency() == [7])
    }

    @Test("an entry expires ttl after its fill; hits do not extend it; an expired entry is refilled")
    func timeToLive() {
        var cache = LRUCache(capacity: 2, ttl: .milliseconds(10))
        defer { cache.deallocate() }
        func at(_ ms: Int64) -> SimTime { SimTime(nanoseconds: ms * 1_000_000) }
        let asExpected7 = !cache.access(1, now: at(0))
        #expect(asExpected7)
        let asExpected8 = cache.access(1, now: at(5))
        #expect(asExpected8)
        let asExpected9 = cache.access(1, now: SimTime(nanoseconds: 10_000_000 - 1))  // 1 ns before expiry
        #expect(asExpected9)
        let asExpected10 = !cache.access(1, now: at(10))  // age = ttl: expired, refilled at 10 ms
        #expect(asExpected10)
        let asExpected11 = cache.access(1, now: at(19))
        #expect(asExpected11)
        let asExpected12 = !cache.access(1, now: at(20))
        #expect(asExpected12)
        #expect(cache.count == 1)
        // An expired entry still holds its slot until touched or evicted (lazy expiry).
        let asExpected13 = !cache.access(2, now: at(21))
        #expect(asExpected13)
        #expect(cache.keysByRecency() == [2, 1] && cache.contains(1))
        #expect(cache.ttl == .milliseconds(10))
    }

    @Test("removeAll flushes: the cache restarts cold and keeps working")
    func flush() {
        var cache = LRUCache(capacity: 100, ttl: nil)
        defer { cache.deallocate() }
        for k in UInt64(0)..<150 { _ = cache.access(k, now: .zero) }
        #expect(cache.count == 100)
        let asExpected14 = cache.access(149, now: .zero)
        #expect(asExpected14)
        cache.removeAll()
        #expect(cache.count == 0 && cache.keysByRecency().isEmpty && cache.checkInvariants() == nil)
        #expect(!cache.contains(149))
        let asExpected15 = !cache.access(149, now: .zero)
        #expect(asExpected15)
        let asExpected16 = cache.access(149, now: .zero)
        #expect(asExpected16)
        for k in UInt64(1000)..<1200 { _ = cache.access(k, now: .zero) }
        #expect(cache.count == 100 && cache.checkInvariants() == nil)
        #expect(cache.keysByRecency() == Array((UInt64(1100)..<1200).reversed()))
    }

    @Test("index and slab sizes")
    func sizes() {
        for (capacity, size) in [(1, 2), (2, 4), (3, 8), (4, 8), (5, 16), (200_000, 524_288)] {
            let cache = LRUCache(capacity: capacity)
            #expect(cache.tableSize == size && cache.capacity == capacity && cache.ttl == nil)
            cache.deallocate()
        }
    }
}
