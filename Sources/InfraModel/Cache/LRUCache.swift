import SimKernel

/// A least-recently-used cache of a fixed number of keys, with an optional time to live: the state
/// of one cache instance whose hit ratio emerges from the keys it is asked for.
///
/// Semantics of ``access(_:now:)``:
/// - a key present and filled less than `ttl` ago is a **hit**; it becomes the most recently used;
/// - a key present but filled `ttl` or more ago is **expired**: a miss, refilled in place (its fill
///   time becomes `now`) and made the most recently used. A hit does not extend an entry's life:
///   the TTL counts from the fill (as with an HTTP `max-age` or a memcached expiry);
/// - a key absent is a miss and is filled; when the cache is full the least recently used entry is
///   evicted to make room.
/// Expired entries are not purged on their own: they keep their slot until touched or evicted, as in
/// memcached's lazy expiry, so the recency order (and hence what is evicted) is that of a plain LRU.
///
/// Why this layout: the simulation touches the cache once per request, so an access must cost a few
/// cache lines and no allocation. Entries live in one preallocated slab addressed by `Int32` slot
/// indices, linked into a doubly linked recency list (`prev`/`next`, head = most recent). A separate
/// open-addressing index (linear probing, a power-of-two table at most half full, deletion by
/// backward shift so no tombstones accumulate) maps a key to its slot. Keys are placed by a fixed
/// mixing function (the SplitMix64 finaliser), never Swift's `Hasher`, which is seeded per process:
/// the same run must behave the same in every process.
///
/// Invariants (checked by ``checkInvariants()``; in debug builds after every access to a cache of
/// at most 64 keys, and cheap local ones always in debug):
/// - `0 ≤ count ≤ capacity`; slots `0 ..< count` are in use, the others have never been used since
///   the last flush (slots are handed out in order, and only eviction recycles one);
/// - the recency list from `head` through `next` visits each slot in use exactly once and ends at
///   `tail`; `prev` is its mirror;
/// - the index holds exactly `count` entries, one per slot in use, under that slot's key; keys are
///   distinct; every entry lies at or after its home bucket with no empty bucket in between.
///
/// Memory: `capacity × 24` bytes of slab plus `tableSize × 12` bytes of index (tableSize is the
/// smallest power of two ≥ 2 × capacity), allocated once in `init`.
///
/// Ownership: a struct over manually managed buffers, in the style of `Slab`; its owner calls
/// ``deallocate()`` exactly once. Copies share the buffers, so keep one owner.
public struct LRUCache {
    /// Maximum number of keys held (≥ 1).
    public let capacity: Int
    /// Age at which an entry expires, in nanoseconds; `Int64.max` when there is no TTL.
    let ttlNanoseconds: Int64
    /// Entries in use (slots `0 ..< count`).
    public private(set) var count = 0

    // Slab: one entry per slot.
    let keys: UnsafeMutablePointer<UInt64>
    /// Fill time of each entry (`SimTime.nanoseconds`).
    let filled: UnsafeMutablePointer<Int64>
    let prev: UnsafeMutablePointer<Int32>
    let next: UnsafeMutablePointer<Int32>
    /// Most recently used slot, or −1 when empty.
    var head: Int32 = -1
    /// Least recently used slot (the next victim), or −1 when empty.
    var tail: Int32 = -1

    // Index: tableSize buckets; a bucket is empty when its slot is −1.
    let tableKeys: UnsafeMutablePointer<UInt64>
    let tableSlots: UnsafeMutablePointer<Int32>
    /// tableSize − 1 (tableSize a power of two).
    let mask: Int

    /// The largest capacity accepted (slots are `Int32`; the index doubles it).
    public static let maxCapacity = 1 << 29

    /// An empty (cold) cache of `capacity` keys.
    /// - Parameters:
    ///   - capacity: keys held, 1 … ``maxCapacity``.
    ///   - ttl: the age at which an entry expires (> 0), or nil for none.
    public init(capacity: Int, ttl: SimDuration? = nil) {
        precondition(capacity >= 1 && capacity <= Self.maxCapacity, "LRUCache capacity must be in 1…2^29")
        precondition(ttl.map { $0.nanoseconds > 0 } ?? true, "LRUCache ttl must be > 0")
        self.capacity = capacity
        ttlNanoseconds = ttl?.nanoseconds ?? .max
        keys = .allocate(capacity: capacity)
        filled = .allocate(capacity: capacity)
        prev = .allocate(capacity: capacity)
        next = .allocate(capacity: capacity)
        var size = 2
        while size < 2 * capacity { size <<= 1 }
        mask = size - 1
        tableKeys = .allocate(capacity: size)
        tableSlots = .allocate(capacity: size)
        tableKeys.initialize(repeating: 0, count: size)
        tableSlots.initialize(repeating: -1, count: size)
    }

    /// The TTL, or nil when entries never expire.
    public var ttl: SimDuration? { ttlNanoseconds == .max ? nil : SimDuration(nanoseconds: ttlNanoseconds) }

    /// Number of buckets in the index (a power of two ≥ 2 × capacity).
    public var tableSize: Int { mask + 1 }

    /// Frees the buffers. Call exactly once, after the last use.
    public func deallocate() {
        keys.deallocate()
        filled.deallocate()
        prev.deallocate()
        next.deallocate()
        tableKeys.deallocate()
        tableSlots.deallocate()
    }

    // MARK: Access

    /// Looks `key` up at time `now`: true on a hit. A miss fills the key (evicting the least recently
    /// used entry if the cache is full) or refreshes an expired one. Either way the key becomes the
    /// most recently used. O(1) expected; allocates nothing.
    public mutating func access(_ key: UInt64, now: SimTime) -> Bool {
        let position = find(key)
        let hit: Bool
        if position >= 0 {
            let slot = tableSlots[position]
            moveToFront(slot)
            if now.nanoseconds &- filled[Int(slot)] < ttlNanoseconds {
                hit = true
            } else {
                filled[Int(slot)] = now.nanoseconds
                hit = false
            }
        } else {
            let slot: Int32
            var bucket = -1 &- position
            if count < capacity {
                slot = Int32(truncatingIfNeeded: count)
                count &+= 1
            } else {
                slot = tail
                assert(slot >= 0, "a full cache has a tail")
                unlink(slot)
                removeFromIndex(at: find(keys[Int(slot)]))
                // The backward shift may have moved the hole on this key's probe run: look its
                // place up again rather than reuse the bucket found before.
                bucket = -1 &- find(key)
            }
            keys[Int(slot)] = key
            filled[Int(slot)] = now.nanoseconds
            pushFront(slot)
            tableKeys[bucket] = key
            tableSlots[bucket] = slot
            hit = false
        }
        assert(capacity > 64 || checkInvariants() == nil, checkInvariants() ?? "")
        return hit
    }

    /// A lookup without a fill (a cache that fills when the backend answers): true on a hit,
    /// which becomes the most recently used; a miss (absent or expired) changes nothing.
    /// `lookup` then, on a miss, `fill` at the same instant is exactly `access`.
    public mutating func lookup(_ key: UInt64, now: SimTime) -> Bool {
        let position = find(key)
        guard position >= 0 else { return false }
        let slot = tableSlots[position]
        guard now.nanoseconds &- filled[Int(slot)] < ttlNanoseconds else { return false }
        moveToFront(slot)
        return true
    }

    /// Fills `key` at time `now` (the backend's answer arrives): it becomes the most recently
    /// used with a fresh fill time, evicting the least recently used entry if the cache is full
    /// and the key is not held. O(1) expected; allocates nothing.
    public mutating func fill(_ key: UInt64, now: SimTime) {
        let position = find(key)
        if position >= 0 {
            let slot = tableSlots[position]
            filled[Int(slot)] = now.nanoseconds
            moveToFront(slot)
            return
        }
        _ = access(key, now: now)
    }

    /// Fills `key` as the least recently used entry with fill time `now`, if there is room and
    /// it is not held (a warm start, most popular key first). Returns false when full.
    public mutating func preload(_ key: UInt64, now: SimTime) -> Bool {
        guard count < capacity else { return false }
        let position = find(key)
        guard position < 0 else { return true }
        let slot = Int32(truncatingIfNeeded: count)
        count &+= 1
        keys[Int(slot)] = key
        filled[Int(slot)] = now.nanoseconds
        // Append at the tail.
        prev[Int(slot)] = tail
        next[Int(slot)] = -1
        if tail >= 0 { next[Int(tail)] = slot } else { head = slot }
        tail = slot
        let bucket = -1 &- position
        tableKeys[bucket] = key
        tableSlots[bucket] = slot
        return true
    }

    /// Whether `key` is held (expired or not), without touching the recency order.
    public func contains(_ key: UInt64) -> Bool { find(key) >= 0 }

    /// Empties the cache (a flush or a restart): it starts cold again. O(tableSize).
    public mutating func removeAll() {
        count = 0
        head = -1
        tail = -1
        tableSlots.update(repeating: -1, count: mask + 1)
    }

    /// The keys held, most recently used first (for tests and inspection; allocates).
    public func keysByRecency() -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(count)
        var s = head
        while s >= 0 && out.count <= count {
            out.append(keys[Int(s)])
            s = next[Int(s)]
        }
        return out
    }

    // MARK: Recency list

    @inline(__always)
    mutating func unlink(_ s: Int32) {
        let p = prev[Int(s)]
        let n = next[Int(s)]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { prev[Int(n)] = p } else { tail = p }
    }

    @inline(__always)
    mutating func pushFront(_ s: Int32) {
        prev[Int(s)] = -1
        next[Int(s)] = head
        if head >= 0 { prev[Int(head)] = s } else { tail = s }
        head = s
    }

    @inline(__always)
    mutating func moveToFront(_ s: Int32) {
        if s == head { return }
        unlink(s)
        pushFront(s)
    }

    // MARK: Index

    /// The SplitMix64 finaliser (Steele, Lea & Flood 2014; Stafford's "Mix13" constants): a fixed
    /// bijection of UInt64 whose low bits depend on every input bit, so sequential keys spread.
    @inline(__always)
    static func mix(_ key: UInt64) -> UInt64 {
        var z = key
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The home bucket of `key`.
    @inline(__always)
    func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: Self.mix(key)) & mask }

    /// The bucket holding `key` (≥ 0), or −1 − (the empty bucket where it would go) when absent.
    @inline(__always)
    func find(_ key: UInt64) -> Int {
        var i = home(key)
        while true {
            if tableSlots[i] < 0 { return -1 &- i }
            if tableKeys[i] == key { return i }
            i = (i &+ 1) & mask
        }
    }

    /// Deletes bucket `i` by backward shift: later entries of the same probe run move back into the
    /// hole unless their home lies cyclically in (hole, their bucket], so no tombstones are needed.
    @inline(__always)
    func removeFromIndex(at bucket: Int) {
        assert(bucket >= 0, "the evicted key is in the index")
        var hole = bucket
        var j = bucket
        while true {
            j = (j &+ 1) & mask
            if tableSlots[j] < 0 { break }
            let h = home(tableKeys[j])
            // Does h lie cyclically in (hole, j]? Then the entry must stay where it is.
            let stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j)
            if stays { continue }
            tableKeys[hole] = tableKeys[j]
            tableSlots[hole] = tableSlots[j]
            hole = j
        }
        tableSlots[hole] = -1
    }

    // MARK: Invariants

    /// Checks every invariant in the type's documentation: nil when all hold, otherwise the first
    /// violation. O(capacity + tableSize); for tests and debug builds.
    public func checkInvariants() -> String? {
        if count < 0 || count > capacity { return "count \(count) outside 0…\(capacity)" }
        if count == 0 {
            if head != -1 || tail != -1 { return "empty cache with head \(head), tail \(tail)" }
        }
        var seen = [Bool](repeating: false, count: capacity)
        var s = head
        var before: Int32 = -1
        var walked = 0
        while s >= 0 {
            if Int(s) >= count { return "list reaches slot \(s), not in use (count \(count))" }
            if seen[Int(s)] { return "list visits slot \(s) twice" }
            seen[Int(s)] = true
            if prev[Int(s)] != before { return "prev of slot \(s) is \(prev[Int(s)]), expected \(before)" }
            walked += 1
            before = s
            s = next[Int(s)]
        }
        if walked != count { return "list has \(walked) entries, count is \(count)" }
        if tail != before { return "tail is \(tail), list ends at \(before)" }
        var indexed = 0
        var slotSeen = [Bool](repeating: false, count: capacity)
        for i in 0...mask where tableSlots[i] >= 0 {
            indexed += 1
            let slot = Int(tableSlots[i])
            if slot >= count { return "bucket \(i) names slot \(slot), not in use" }
            if slotSeen[slot] { return "slot \(slot) indexed twice" }
            slotSeen[slot] = true
            if keys[slot] != tableKeys[i] {
                return "bucket \(i) key \(tableKeys[i]) but slot \(slot) holds \(keys[slot])"
            }
            var b = home(tableKeys[i])
            while b != i {
                if tableSlots[b] < 0 { return "empty bucket \(b) between key \(tableKeys[i])'s home and bucket \(i)" }
                b = (b + 1) & mask
            }
        }
        if indexed != count { return "index holds \(indexed) entries, count is \(count)" }
        return nil
    }
}
