/// The pending-event list while it is long: a calendar queue (R. Brown, "Calendar queues",
/// Communications of the ACM 31(10), 1988), ordered exactly by (time, sequence number) like
/// `BinaryHeap`, at a cost per operation that does not grow with the number of pending events.
///
/// Time is cut into buckets of `width` = 2^`shift` nanoseconds; bucket b holds, in a list,
/// every entry whose time t has (t >> shift) mod bucketCount = b, whatever its "year" (how many
/// times the calendar has wrapped). A pop scans from the current bucket for the first head that
/// falls in that bucket's window of the current year; a full year without one means the next
/// event is far ahead, found by a direct search.
///
/// Only the current bucket's list is kept sorted by (time, sequence): a push elsewhere prepends,
/// and the scan sorts each bucket as it arrives at it. A push then reads no other entry, and
/// the entries a sort reads are those about to be popped. (Kept sorted on every push, a fleet of
/// 10,000 instances spent most of the queue's time walking lists in cold memory.) A push into
/// the current bucket that sorts after its tail (an event at the instant being served, after
/// those already pending there) is appended in O(1).
///
/// Invariants (checked by `checkInvariants()` in tests):
/// - every bucket's list holds only times that map to it, and the current bucket's is sorted,
///   with `tail` its last node (−1 when empty);
/// - no entry precedes the current window (`windowEnd − width`), so the first window that holds
///   an entry holds the earliest: pushes before the window move the window back to them, and
///   pops take the earliest, so time in the queue never runs backwards;
/// - `count` is the number of linked nodes; every other node slot is on the free stack.
///
/// The bucket count follows the entry count (×2 above 2 entries per bucket, ÷2 below one per
/// four), and the width is set then from the spacing of the nearest entries (Brown's rule:
/// three times their mean gap), so a bucket holds about one entry in the year being served.
/// The width also adapts when the scans grow long or fall back to direct searches. Neither
/// choice changes the order of pops, only their cost.
public struct CalendarQueue<Event>: ~Copyable {
    @usableFromInline
    struct Node {
        @usableFromInline var time: Int64
        @usableFromInline var sequence: UInt64
        @usableFromInline var event: Event
        /// The next node in the bucket's list, or −1.
        @usableFromInline var next: Int32

        @inlinable init(time: Int64, sequence: UInt64, event: Event, next: Int32) {
            self.time = time
            self.sequence = sequence
            self.event = event
            self.next = next
        }
    }

    /// Node slots: `nodeCount` have been used; those not linked into a bucket are on `freeSlots`.
    @usableFromInline var nodes: UnsafeMutablePointer<Node>
    @usableFromInline var nodeCapacity: Int
    @usableFromInline var nodeCount: Int32 = 0
    @usableFromInline var freeSlots: UnsafeMutablePointer<Int32>
    @usableFromInline var freeCount = 0
    /// Each bucket's first node, or −1 (`mask` + 1 buckets, a power of two).
    @usableFromInline var heads: UnsafeMutablePointer<Int32>
    @usableFromInline var mask: Int
    /// The bucket width is 2^shift nanoseconds.
    @usableFromInline var shift: Int64
    /// The bucket the scan is at, and the exclusive end of its window in the current year.
    /// `Int64.max` when that end would overflow: then every pop searches directly.
    @usableFromInline var current = 0
    @usableFromInline var windowEnd: Int64
    /// The current bucket's last node, or −1.
    @usableFromInline var tail: Int32 = -1
    @usableFromInline var _count = 0
    /// Room for the sort's 64 runs (`sortBucket`), allocated once.
    @usableFromInline var runs: UnsafeMutablePointer<Int32>
    /// The earliest entries' times when the width is set (`sampleEarliest`), allocated once.
    @usableFromInline var sample: UnsafeMutablePointer<Int64>
    @usableFromInline var sampled = 0
    @usableFromInline static var sampleRoom: Int { 64 }
    /// Over the current judging period (`pushes` + `pops` up to the bucket count): buckets a
    /// pop's scan stepped over plus list nodes a push's insertion stepped past, and direct
    /// searches. Both stay near zero while the width suits the entries' spacing (see `judge`).
    @usableFromInline var steps = 0
    @usableFromInline var operations = 0
    @usableFromInline var directSearches = 0

    @inlinable init() {
        nodeCapacity = 64
        nodes = .allocate(capacity: nodeCapacity)
        freeSlots = .allocate(capacity: nodeCapacity)
        mask = 1
        heads = .allocate(capacity: 2)
        heads.initialize(repeating: -1, count: 2)
        runs = .allocate(capacity: 64)
        sample = .allocate(capacity: Self.sampleRoom)
        shift = 20
        windowEnd = 1 << 20
    }

    deinit {
        for b in 0...mask {
            var h = heads[b]
            while h >= 0 {
                let next = nodes[Int(h)].next
                (nodes + Int(h)).deinitialize(count: 1)
                h = next
            }
        }
        nodes.deallocate()
        freeSlots.deallocate()
        heads.deallocate()
        runs.deallocate()
        sample.deallocate()
    }

    @inlinable var count: Int { _count }
    /// `shift` is always within 0 ... 40 (`rebucket`), so the masking shifts here are the plain
    /// ones without their range checks, which cost each push and pop a dozen instructions.
    @inlinable var width: Int64 { 1 &<< shift }

    @inlinable @inline(__always)
    func bucket(_ time: Int64) -> Int { Int(truncatingIfNeeded: time &>> shift) & mask }

    /// The end of the window that holds `time`, or `Int64.max` when it would overflow.
    @inlinable @inline(__always)
    func windowEnd(of time: Int64) -> Int64 {
        let (end, overflow) = ((time &>> shift) &+ 1).multipliedReportingOverflow(by: 1 &<< shift)
        return overflow || end < time ? .max : end
    }

    @inlinable @inline(__always)
    func precedes(_ time: Int64, _ sequence: UInt64, _ i: Int32) -> Bool {
        let n = nodes + Int(i)
        return time < n.pointee.time || (time == n.pointee.time && sequence < n.pointee.sequence)
    }

    /// Links node `i` into its bucket's list: in order in the current bucket, at the front
    /// elsewhere.
    @inlinable @inline(__always)
    mutating func link(_ i: Int32) {
        let time = nodes[Int(i)].time
        let sequence = nodes[Int(i)].sequence
        let b = bucket(time)
        var h = heads[b]
        if b != current || h < 0 || precedes(time, sequence, h) {
            nodes[Int(i)].next = h
            heads[b] = i
            if b == current && h < 0 { tail = i }
            return
        }
        if !precedes(time, sequence, tail) {
            nodes[Int(i)].next = -1
            nodes[Int(tail)].next = i
            tail = i
            return
        }
        while true {
            let n = nodes[Int(h)].next
            if n < 0 || precedes(time, sequence, n) {
                nodes[Int(i)].next = n
                nodes[Int(h)].next = i
                return
            }
            steps &+= 1
            h = n
        }
    }

    @inlinable @inline(__always)
    mutating func push(time: Int64, sequence: UInt64, event: Event) {
        let i: Int32
        if freeCount > 0 {
            freeCount &-= 1
            i = freeSlots[freeCount]
        } else {
            if Int(nodeCount) == nodeCapacity { growNodes() }
            i = nodeCount
            nodeCount &+= 1
        }
        (nodes + Int(i)).initialize(to: Node(time: time, sequence: sequence, event: event, next: -1))
        if windowEnd == .max || time < windowEnd &- width {
            windowEnd = windowEnd(of: time)
            enter(bucket(time))
        }
        link(i)
        _count &+= 1
        if _count > 2 &* (mask &+ 1) {
            rebucket(buckets: 2 &* (mask &+ 1))
        } else {
            judge()
        }
    }

    /// Ends a judging period every bucket-count operations: the width is set again when the
    /// period's scans and insertions stepped over more than 8 buckets or nodes per operation on
    /// average, or more than 4 pops fell back to a direct search.
    @inlinable @inline(__always)
    mutating func judge() {
        operations &+= 1
        if operations > mask {
            if steps > 8 &* operations || directSearches > 4 {
                rebucket(buckets: mask &+ 1)
            } else {
                steps = 0
                operations = 0
                directSearches = 0
            }
        }
    }

    /// Moves the scan to the bucket whose head is the earliest entry and returns that head.
    /// Precondition: not empty.
    @inlinable @inline(__always)
    mutating func findMin() -> Int32 {
        if windowEnd != .max {
            var stepped = 0
            while stepped <= mask {
                let h = heads[current]
                if h >= 0 && nodes[Int(h)].time < windowEnd {
                    steps &+= stepped
                    return h
                }
                let (end, overflow) = windowEnd.addingReportingOverflow(width)
                if overflow { break }
                windowEnd = end
                enter((current &+ 1) & mask)
                stepped &+= 1
            }
            steps &+= stepped
        }
        return directSearch()
    }

    /// The earliest entry if the current bucket's head is in the current window (then it is the
    /// earliest of all: nothing precedes the window, and the current bucket is sorted); −1 when
    /// finding it would move the scan on (`findMin`). O(1), and it moves nothing.
    @inlinable @inline(__always)
    func currentHead() -> Int32 {
        let h = heads[current]
        return windowEnd != .max && h >= 0 && nodes[Int(h)].time < windowEnd ? h : -1
    }

    /// The earliest entry of all, the scan moved to its bucket (sorted, so it is the head).
    /// O(count): a full year passed without an entry, so the width is too small for the
    /// entries' spacing, and is set again when this happens more than occasionally.
    @usableFromInline
    mutating func directSearch() -> Int32 {
        var best: Int32 = -1
        for b in 0...mask {
            var h = heads[b]
            while h >= 0 {
                if best < 0 || precedes(nodes[Int(h)].time, nodes[Int(h)].sequence, best) { best = h }
                h = nodes[Int(h)].next
            }
        }
        precondition(best >= 0, "pop from an empty event queue")
        let time = nodes[Int(best)].time
        windowEnd = windowEnd(of: time)
        enter(bucket(time))
        directSearches &+= 1
        return best
    }

    /// Makes bucket b the current one: sorts its list and finds its tail.
    @inlinable @inline(__always)
    mutating func enter(_ b: Int) {
        current = b
        let h = heads[b]
        if h >= 0 && nodes[Int(h)].next >= 0 {
            sortBucket(b)
        } else {
            tail = h
        }
    }

    /// Sorts bucket b's list by (time, sequence) and sets `tail` to its last node: by insertion
    /// when it is short (the usual few entries), else by a merge sort of the linked list in
    /// place, with no allocation (runs of 2^k nodes kept in `runs`, as in the classic list sort).
    @usableFromInline
    mutating func sortBucket(_ b: Int) {
        var rest = heads[b]
        guard rest >= 0, nodes[Int(rest)].next >= 0 else { return }
        var length = 0
        var walk = rest
        while walk >= 0 && length <= 8 {
            length += 1
            walk = nodes[Int(walk)].next
        }
        if length <= 8 {
            // Each node goes into the sorted list before the first that it precedes.
            var sorted: Int32 = -1
            var last: Int32 = -1
            while rest >= 0 {
                let node = rest
                rest = nodes[Int(node)].next
                let time = nodes[Int(node)].time
                let sequence = nodes[Int(node)].sequence
                if sorted < 0 || precedes(time, sequence, sorted) {
                    nodes[Int(node)].next = sorted
                    sorted = node
                    if last < 0 { last = node }
                } else {
                    var at = sorted
                    while nodes[Int(at)].next >= 0 && !precedes(time, sequence, nodes[Int(at)].next) {
                        at = nodes[Int(at)].next
                    }
                    nodes[Int(node)].next = nodes[Int(at)].next
                    nodes[Int(at)].next = node
                    if at == last { last = node }
                }
            }
            heads[b] = sorted
            tail = last
            return
        }
        var filled = 0
        while rest >= 0 {
            var carry = rest
            rest = nodes[Int(rest)].next
            nodes[Int(carry)].next = -1
            var k = 0
            while k < filled && runs[k] >= 0 {
                carry = merge(runs[k], carry)
                runs[k] = -1
                k += 1
            }
            if k == filled { filled += 1 }
            runs[k] = carry
        }
        var sorted: Int32 = -1
        for k in 0..<filled where runs[k] >= 0 { sorted = sorted < 0 ? runs[k] : merge(runs[k], sorted) }
        heads[b] = sorted
        var last = sorted
        while nodes[Int(last)].next >= 0 { last = nodes[Int(last)].next }
        tail = last
    }

    /// Merges two sorted lists into one; returns its head.
    @usableFromInline
    mutating func merge(_ a: Int32, _ b: Int32) -> Int32 {
        var a = a
        var b = b
        var head: Int32 = -1
        var tail: Int32 = -1
        while a >= 0 && b >= 0 {
            let take: Int32
            if precedes(nodes[Int(a)].time, nodes[Int(a)].sequence, b) {
                take = a
                a = nodes[Int(a)].next
            } else {
                take = b
                b = nodes[Int(b)].next
            }
            if tail < 0 { head = take } else { nodes[Int(tail)].next = take }
            tail = take
        }
        let remainder = a >= 0 ? a : b
        if tail < 0 { return remainder }
        nodes[Int(tail)].next = remainder
        return head
    }

    @inlinable var nextTime: Int64? {
        mutating get { _count > 0 ? nodes[Int(findMin())].time : nil }
    }

    /// Removes and returns the earliest entry. Precondition: not empty.
    @inlinable @inline(__always)
    mutating func pop() -> (time: Int64, sequence: UInt64, event: Event) { pop(head: findMin()) }

    /// Removes and returns the earliest entry, `h`, which `findMin()` has just returned (with
    /// no push or pop since).
    @inlinable @inline(__always)
    mutating func pop(head h: Int32) -> (time: Int64, sequence: UInt64, event: Event) {
        let node = (nodes + Int(h)).move()
        heads[current] = node.next
        if node.next < 0 { tail = -1 }
        freeSlots[freeCount] = h
        freeCount &+= 1
        _count &-= 1
        if _count &* 4 < mask &+ 1 && mask > 1 {
            rebucket(buckets: (mask &+ 1) / 2)
        } else {
            judge()
        }
        return (node.time, node.sequence, node.event)
    }

    @usableFromInline
    mutating func growNodes() {
        let n = nodeCapacity * 2
        let bigger = UnsafeMutablePointer<Node>.allocate(capacity: n)
        bigger.moveInitialize(from: nodes, count: Int(nodeCount))
        nodes.deallocate()
        nodes = bigger
        let biggerFree = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        biggerFree.initialize(from: freeSlots, count: freeCount)
        freeSlots.deallocate()
        freeSlots = biggerFree
        nodeCapacity = n
    }

    /// Keeps the `sampleRoom` earliest of the times offered, in order, in `sample[0 ..< sampled]`.
    @usableFromInline
    mutating func offer(_ time: Int64) {
        if sampled == Self.sampleRoom {
            if time >= sample[sampled - 1] { return }
            sampled -= 1
        }
        var j = sampled
        while j > 0 && sample[j - 1] > time {
            sample[j] = sample[j - 1]
            j -= 1
        }
        sample[j] = time
        sampled += 1
    }

    /// Fills `sample` with the times of the earliest `sampleRoom` entries (fewer if fewer are
    /// pending): read window by window in scan order over at most two years, else from all
    /// entries. Allocates nothing.
    @usableFromInline
    mutating func sampleEarliest() {
        sampled = 0
        var seen = 0
        if windowEnd != .max {
            var b = current
            var end = windowEnd
            for _ in 0..<(2 &* (mask &+ 1)) where seen < Self.sampleRoom {
                var h = heads[b]
                while h >= 0 {
                    if nodes[Int(h)].time < end {
                        offer(nodes[Int(h)].time)
                        seen += 1
                    }
                    h = nodes[Int(h)].next
                }
                b = (b &+ 1) & mask
                let (next, overflow) = end.addingReportingOverflow(width)
                if overflow { break }
                end = next
            }
        }
        if seen >= Self.sampleRoom || seen == _count { return }
        sampled = 0
        for b in 0...mask {
            var h = heads[b]
            while h >= 0 {
                offer(nodes[Int(h)].time)
                h = nodes[Int(h)].next
            }
        }
    }

    /// Re-buckets every entry into `buckets` buckets (a power of two), with a width of three
    /// times the mean gap between the distinct times of the earliest 64 entries. O(count), or
    /// O(64 count) when the scan cannot find the earliest entries within two years. Allocates
    /// only when the bucket count changes.
    @usableFromInline
    mutating func rebucket(buckets: Int) {
        sampleEarliest()
        var distinct = 0
        var last = Int64.min
        for t in UnsafeBufferPointer(start: sample, count: sampled) where t != last {
            distinct += 1
            last = t
        }
        if distinct >= 2 {
            let first = sample[0]
            // Widths from 1 ns to 2^40 ns (18 minutes), rounded to a power of two.
            let gap = 3 * (Double(last) - Double(first)) / Double(distinct - 1)
            let target = Int64(Swift.min(Swift.max(gap, 1), 0x1p40))
            var s = 63 - target.leadingZeroBitCount
            if s > 0 && target - (1 << s) > (1 << (s - 1)) { s += 1 }
            shift = Int64(s)
            assert((0...40).contains(shift), "the masking shifts rely on it")
        }
        var chain: Int32 = -1
        var earliest: Int32 = -1
        for b in 0...mask {
            var h = heads[b]
            while h >= 0 {
                let next = nodes[Int(h)].next
                nodes[Int(h)].next = chain
                chain = h
                if earliest < 0 || precedes(nodes[Int(h)].time, nodes[Int(h)].sequence, earliest) { earliest = h }
                h = next
            }
        }
        if buckets != mask + 1 {
            heads.deallocate()
            heads = .allocate(capacity: buckets)
            mask = buckets - 1
        }
        heads.initialize(repeating: -1, count: buckets)
        // No bucket is current while the entries go back in, so every link prepends.
        current = -1
        while chain >= 0 {
            let next = nodes[Int(chain)].next
            link(chain)
            chain = next
        }
        if earliest >= 0 {
            let time = nodes[Int(earliest)].time
            windowEnd = windowEnd(of: time)
            enter(bucket(time))
        } else {
            windowEnd = width
            enter(0)
        }
        steps = 0
        operations = 0
        directSearches = 0
    }

    /// Removes every entry, handing each to `body` in no particular order (when the queue
    /// changes its structure).
    @usableFromInline
    mutating func drain(_ body: (Int64, UInt64, consuming Event) -> Void) {
        for b in 0...mask {
            var h = heads[b]
            while h >= 0 {
                let node = (nodes + Int(h)).move()
                body(node.time, node.sequence, node.event)
                h = node.next
            }
            heads[b] = -1
        }
        tail = -1
        nodeCount = 0
        freeCount = 0
        _count = 0
    }

    /// The invariants above. O(count + buckets): for tests only.
    func checkInvariants() -> Bool {
        var linked = 0
        let windowStart = windowEnd == .max ? Int64.min : windowEnd - width
        for b in 0...mask {
            var h = heads[b]
            var previous: Int32 = -1
            while h >= 0 {
                let n = nodes[Int(h)]
                if bucket(n.time) != b || n.time < windowStart { return false }
                if b == current && previous >= 0
                    && !precedes(nodes[Int(previous)].time, nodes[Int(previous)].sequence, h)
                {
                    return false
                }
                linked += 1
                previous = h
                h = n.next
            }
            if b == current && previous != tail { return false }
        }
        return linked == _count && Int(nodeCount) - freeCount == _count
    }
}
