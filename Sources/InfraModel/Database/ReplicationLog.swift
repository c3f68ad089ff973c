import SimKernel

/// The replication state of one database: which commits each replica has applied, and for each
/// key with a commit not yet applied everywhere, its latest commit.
///
/// Commits are numbered 1, 2, … in commit order. Replica r applies them in that order, commit j
/// at a_r(j) = max(c(j) + lag_r(j), a_r(j − 1)), so at time t it has applied exactly the commits
/// with a_r(j) ≤ t, a prefix 1…A_r(t). A read of key k at replica r at time t is stale iff the
/// key's latest commit is beyond that prefix: last(k) > A_r(t).
///
/// Storage is bounded by the commits in flight (write rate × lag), not by the key space or
/// the horizon: per replica a FIFO of the apply times of its unapplied commits (its head is
/// commit A_r + 1), a FIFO of the keys of the commits some replica has not applied (its head is
/// commit min_r A_r + 1), and an open-addressing map key → latest commit holding only those
/// keys (an entry leaves when its commit is applied everywhere). Time advances lazily: the
/// FIFOs are drained up to `now` whenever the database is touched, so no event is needed.
/// Buffers grow by doubling (rarely, while the backlog grows) and are reused after that.
/// The map is placed by SplitMix64's finaliser, never Swift's `Hasher`; linear probing with
/// deletion by backward shift, as `LRUCache`'s index.
struct ReplicationLog {
    let replicas: Int
    /// The next commit's number.
    private(set) var nextCommit: UInt64 = 1
    /// Per replica: commits applied (a prefix), and the apply time of its latest commit.
    private(set) var applied: [UInt64]
    private var lastApply: [Int64]
    private var pending: [Ring<Int64>]
    private var keys = Ring<UInt64>()
    /// The commit times (ns) of the same commits as `keys`: how old a lost write was.
    private var commitTimes = Ring<Int64>()
    /// Per replica: the commit it may not apply beyond (`freeze`); `.max` when it follows the
    /// primary. A primary that has failed ships nothing more, so its replicas stop where they are.
    private var limit: [UInt64]
    /// Commits every replica has applied.
    private var appliedEverywhere: UInt64 = 0
    private var map = KeyCommitMap()

    /// With an apply queue (`threads` > 0): per replica, when each apply thread is next free,
    /// and when the latest commit started applying (dispatch is in commit order).
    let threads: Int
    private var threadFree: [Int64]
    private var lastStart: [Int64]

    init(replicas: Int, threads: Int = 0) {
        self.replicas = replicas
        self.threads = threads
        applied = Array(repeating: 0, count: replicas)
        lastApply = Array(repeating: .min, count: replicas)
        limit = Array(repeating: .max, count: replicas)
        lags = Array(repeating: 0, count: replicas)
        applyTimes = Array(repeating: 0, count: threads > 0 ? replicas : 0)
        threadFree = Array(repeating: .min, count: replicas * threads)
        lastStart = Array(repeating: .min, count: threads > 0 ? replicas : 0)
        pending = (0..<replicas).map { _ in Ring<Int64>() }
    }

    func deallocate() {
        for p in pending { p.deallocate() }
        keys.deallocate()
        commitTimes.deallocate()
        map.deallocate()
    }

    /// The lags (ns ≥ 0) of the next commit, one per replica: filled by the caller before `commit`.
    var lags: [Int64]
    /// With an apply queue: the next commit's apply times (ns ≥ 0), one per replica, filled by
    /// the caller before `commit`; `lags` are then the shipping delays.
    var applyTimes: [Int64]

    /// Commits key `key` at `now`, with lag `lags[r]` at replica r. The apply times are then
    /// `latestApply(r)`.
    ///
    /// Without an apply queue, commit j applies at a(j) = max(c(j) + lag, a(j − 1)). With one,
    /// it reaches replica r at c(j) + lag, starts on the first free apply thread once it has
    /// arrived and commit j − 1 has started, s(j) = max(c(j) + lag, s(j − 1), earliest free
    /// thread), finishes at s(j) + apply, and becomes visible in commit order:
    /// a(j) = max(s(j) + apply, a(j − 1)). One thread is a FIFO single-server queue (Lindley).
    mutating func commit(key: UInt64, now: Int64) {
        let j = nextCommit
        nextCommit &+= 1
        if replicas == 0 { return }
        map.set(key, j)
        keys.push(key)
        commitTimes.push(now)
        for r in 0..<replicas {
            let arrival = now.saturatingAdd(lags[r])
            var a = arrival
            if threads > 0 {
                var t = r * threads
                for k in (r * threads)..<((r + 1) * threads) where threadFree[k] < threadFree[t] { t = k }
                let start = max(arrival, lastStart[r], threadFree[t])
                lastStart[r] = start
                a = start.saturatingAdd(applyTimes[r])
                threadFree[t] = a
            }
            a = max(a, lastApply[r])
            lastApply[r] = a
            pending[r].push(a)
        }
    }

    /// The apply time at replica r of the latest commit.
    func latestApply(_ r: Int) -> Int64 { lastApply[r] }

    /// Applies at every replica the commits due by `now`, and forgets keys applied everywhere.
    mutating func advance(to now: Int64) {
        guard replicas > 0 else { return }
        var least = UInt64.max
        for r in 0..<replicas {
            while let head = pending[r].first, head <= now, applied[r] < limit[r] {
                pending[r].removeFirst()
                applied[r] &+= 1
            }
            least = min(least, applied[r])
        }
        while appliedEverywhere < least {
            appliedEverywhere &+= 1
            let key = keys.removeFirst()
            commitTimes.removeFirst()
            if map.get(key) == appliedEverywhere { map.remove(key) }
        }
    }

    /// The latest commit's number (0 before the first).
    var lastCommit: UInt64 { nextCommit &- 1 }

    /// Replica r applies nothing beyond what it has now (call `advance` first): its primary has
    /// failed, or it has.
    mutating func freeze(_ r: Int) { limit[r] = applied[r] }

    /// Replica r follows the primary again: what is due by the next `advance` applies then.
    mutating func unfreeze(_ r: Int) { limit[r] = .max }

    func isFrozen(_ r: Int) -> Bool { limit[r] != .max }

    /// The commit time (ns) of commit j, which some replica has not applied (j > every
    /// replica's applied prefix minimum).
    func commitTime(of j: UInt64) -> Int64 {
        precondition(j > appliedEverywhere && j < nextCommit, "commit \(j) is not in the log")
        return commitTimes[Int(j &- appliedEverywhere &- 1)]
    }

    /// A replica promoted with commits 1…`last`: the commits after `last` are lost. Every
    /// replica forgets the lost commits (it rewinds those it had applied, and will not apply
    /// the others), numbering goes on from `last` + 1, and each key's latest commit is its
    /// latest one up to `last`. O(lost commits × commits in flight): failovers are rare.
    mutating func truncate(after last: UInt64) {
        precondition(last >= appliedEverywhere && last < nextCommit, "truncating outside the log")
        guard replicas > 0 else {
            nextCommit = last &+ 1
            return
        }
        let drop = Int(nextCommit &- 1 &- last)
        for r in 0..<replicas {
            // pending[r] holds commits applied[r] + 1 … nextCommit − 1.
            applied[r] = min(applied[r], last)
            let keep = Int(last &- applied[r])
            while pending[r].count > keep { pending[r].removeLast() }
            // The dropped commits no longer hold back later ones, nor occupy the apply threads.
            lastApply[r] = pending[r].last ?? .min
            if threads > 0 {
                lastStart[r] = min(lastStart[r], lastApply[r])
                for k in (r * threads)..<((r + 1) * threads) { threadFree[k] = min(threadFree[k], lastApply[r]) }
            }
        }
        for _ in 0..<drop {
            let j = nextCommit &- 1
            let key = keys.removeLast()
            commitTimes.removeLast()
            nextCommit = j
            guard map.get(key) == j else { continue }
            // The key's latest surviving commit, if some replica still lacks it.
            var k = keys.count - 1
            while k >= 0 && keys[k] != key { k -= 1 }
            if k >= 0 { map.set(key, appliedEverywhere &+ UInt64(k) &+ 1) } else { map.remove(key) }
        }
    }

    /// Replica r is a node that has commits 1…`last` (a former primary rejoining as a replica
    /// after its rewind): nothing pending, frozen until it is back.
    mutating func reset(_ r: Int, applied last: UInt64, at now: Int64) {
        precondition(last == nextCommit &- 1 && last >= appliedEverywhere, "a rejoining node has every commit")
        while pending[r].count > 0 { pending[r].removeLast() }
        applied[r] = last
        lastApply[r] = now
        if threads > 0 {
            lastStart[r] = now
            for k in (r * threads)..<((r + 1) * threads) { threadFree[k] = now }
        }
        limit[r] = last
    }

    /// A restore to commits 1…`last` (at most the latest): every replica holds exactly those,
    /// nothing is pending or tracked, and numbering goes on from `last` + 1. Every replica
    /// follows the primary (the caller freezes those that are down).
    mutating func restore(to last: UInt64, at now: Int64) {
        precondition(last < nextCommit, "restoring beyond the latest commit")
        for r in 0..<replicas {
            while pending[r].count > 0 { pending[r].removeLast() }
            applied[r] = last
            lastApply[r] = now
            limit[r] = .max
            if threads > 0 {
                lastStart[r] = now
                for k in (r * threads)..<((r + 1) * threads) { threadFree[k] = now }
            }
        }
        while keys.count > 0 { map.remove(keys.removeLast()) }
        while commitTimes.count > 0 { commitTimes.removeLast() }
        appliedEverywhere = last
        nextCommit = last &+ 1
    }

    /// Commits replica r has applied (after `advance`).
    func appliedCount(_ r: Int) -> UInt64 { applied[r] }

    /// True when replica r (after `advance`) lacks the latest commit of `key`.
    func isStale(key: UInt64, replica r: Int) -> Bool {
        guard let last = map.get(key) else { return false }
        return last > applied[r]
    }

    /// Keys with a commit some replica has not applied (for tests).
    var trackedKeys: Int { map.count }
}

/// A FIFO over a growable ring buffer. Copies share the buffer: one owner deallocates it.
struct Ring<T> {
    private var buffer = UnsafeMutablePointer<T>.allocate(capacity: 16)
    private var capacity = 16
    private var head = 0
    private(set) var count = 0

    var first: T? { count > 0 ? buffer[head] : nil }
    var last: T? { count > 0 ? buffer[(head + count - 1) % capacity] : nil }

    /// The k-th element from the head (0 ≤ k < count).
    subscript(k: Int) -> T {
        precondition(k >= 0 && k < count, "ring index out of range")
        return buffer[(head + k) % capacity]
    }

    @discardableResult
    mutating func removeLast() -> T {
        precondition(count > 0, "removeLast from an empty ring")
        count -= 1
        return (buffer + (head + count) % capacity).move()
    }

    mutating func push(_ x: T) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
            for i in 0..<count { (bigger + i).initialize(to: (buffer + (head + i) % capacity).move()) }
            buffer.deallocate()
            buffer = bigger
            head = 0
            capacity *= 2
        }
        (buffer + (head + count) % capacity).initialize(to: x)
        count += 1
    }

    @discardableResult
    mutating func removeFirst() -> T {
        precondition(count > 0, "removeFirst from an empty ring")
        let x = (buffer + head).move()
        head = head + 1 == capacity ? 0 : head + 1
        count -= 1
        return x
    }

    func deallocate() {
        var h = head
        for _ in 0..<count {
            _ = (buffer + h).move()
            h = h + 1 == capacity ? 0 : h + 1
        }
        buffer.deallocate()
    }
}

/// An open-addressing map UInt64 key → UInt64 value (value 0 = empty bucket; commits start at
/// 1), linear probing, at most half full, deletion by backward shift, fixed hash.
struct KeyCommitMap {
    private var keys: UnsafeMutablePointer<UInt64>
    private var values: UnsafeMutablePointer<UInt64>
    private var mask: Int
    private(set) var count = 0

    init(size: Int = 64) {
        keys = .allocate(capacity: size)
        values = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        values.initialize(repeating: 0, count: size)
        mask = size - 1
    }

    func deallocate() {
        keys.deallocate()
        values.deallocate()
    }

    @inline(__always)
    private static func home(_ key: UInt64, _ mask: Int) -> Int {
        var z = key
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return Int(truncatingIfNeeded: z ^ (z >> 31)) & mask
    }

    func get(_ key: UInt64) -> UInt64? {
        var b = Self.home(key, mask)
        while values[b] != 0 {
            if keys[b] == key { return values[b] }
            b = (b + 1) & mask
        }
        return nil
    }

    mutating func set(_ key: UInt64, _ value: UInt64) {
        precondition(value != 0)
        if 2 * (count + 1) > mask + 1 { grow() }
        var b = Self.home(key, mask)
        while values[b] != 0 {
            if keys[b] == key {
                values[b] = value
                return
            }
            b = (b + 1) & mask
        }
        keys[b] = key
        values[b] = value
        count += 1
    }

    mutating func remove(_ key: UInt64) {
        var b = Self.home(key, mask)
        while values[b] != 0 && keys[b] != key { b = (b + 1) & mask }
        guard values[b] != 0 else { return }
        // Backward shift: pull later entries of the probe run into the hole when their home
        // allows it, so no tombstones accumulate.
        var hole = b
        var j = (b + 1) & mask
        while values[j] != 0 {
            let h = Self.home(keys[j], mask)
            // j's entry may move to `hole` iff its home is not cyclically in (hole, j].
            let between = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if !between {
                keys[hole] = keys[j]
                values[hole] = values[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        values[hole] = 0
        count -= 1
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let oldSize = mask + 1
        let size = oldSize * 2
        keys = .allocate(capacity: size)
        values = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        values.initialize(repeating: 0, count: size)
        mask = size - 1
        count = 0
        for b in 0..<oldSize where oldValues[b] != 0 { set(oldKeys[b], oldValues[b]) }
        oldKeys.deallocate()
        oldValues.deallocate()
    }
}
