/// The line of one instance, in manually managed memory so the hot path pays no copy-on-write
/// uniqueness checks; once grown to its peak length it never allocates again. Its owner
/// (`Simulation`) calls `deallocate()` exactly once.
///
/// Used in one of three ways, fixed by the station's discipline:
/// - FIFO, LIFO, adaptive LIFO: a growable ring buffer (a deque) of waiting request indices,
///   appended at the tail; `next(_:)` takes the head (oldest) or the tail (newest).
/// - Priority: the same ring, kept sorted by level (`insert(_:level:first:)`, behind every
///   entry of the same or a more urgent level, so each level stays oldest first, or a displaced
///   request ahead of its own level), with each entry's level in `tags`; `next(_:)` takes the head.
/// - Processor sharing: a binary min-heap of the requests in service, keyed by their finish tag
///   on the instance's virtual-time clock (ties by request index, so the order is
///   deterministic); see `Simulation+ProcessorSharing.swift`.
///
/// Invariant: `0 ≤ count ≤ capacity`, capacity is 0 or a power of two; in heap mode `count == 0`,
/// `head == 0`, `0 ≤ heapCount ≤ capacity` and `tags[k]` is the key of `storage[k]`; in priority
/// mode `heapCount == 0` and the tags of the ring's entries, head to tail, never decrease.
/// `storage` is non-nil once `capacity > 0`, `tags` in heap mode: the hot paths' `storage!`/`tags!` rely on it.
struct WaitingLine {
    /// First, so that an instance's hot fields end with it (see `InstanceState`).
    private(set) var count = 0
    private var head = 0
    private var capacity = 0
    private var storage: UnsafeMutablePointer<Int32>?
    /// Heap mode only: finish tags, parallel to `storage`.
    private var tags: UnsafeMutablePointer<Double>?

    init() {}

    var isEmpty: Bool { count == 0 }

    // MARK: waiting line (ring buffer)

    @inline(__always)
    mutating func append(_ x: Int32) {
        if count == capacity { grow() }
        storage![(head &+ count) & (capacity &- 1)] = x
        count &+= 1
    }

    /// Priority mode: puts `x` behind every waiting request whose level is at most `level` and
    /// ahead of the others (0 is the most urgent); with `first`, ahead of its own level too
    /// (a request displaced from its worker by preemption). O(entries it passes): an urgent
    /// request arriving at a long line of less urgent ones moves them one place back.
    mutating func insert(_ x: Int32, level: Int32, first: Bool = false) {
        if tags == nil { useTags() }
        if count == capacity { grow() }
        let mask = capacity &- 1
        let tag = Double(level)
        var k = count
        while k > 0 && (tags![(head &+ k &- 1) & mask] > tag || (first && tags![(head &+ k &- 1) & mask] == tag)) {
            storage![(head &+ k) & mask] = storage![(head &+ k &- 1) & mask]
            tags![(head &+ k) & mask] = tags![(head &+ k &- 1) & mask]
            k &-= 1
        }
        storage![(head &+ k) & mask] = x
        tags![(head &+ k) & mask] = tag
        count &+= 1
    }

    /// The oldest waiting request, left in the line; nil when none waits.
    @inline(__always)
    var first: Int32? { count > 0 ? storage![head] : nil }

    /// The oldest waiting request.
    @inline(__always)
    mutating func removeFirst() -> Int32 {
        assert(count > 0, "removeFirst on an empty line")
        let x = storage![head]
        head = (head &+ 1) & (capacity &- 1)
        count &-= 1
        return x
    }

    /// The newest waiting request.
    @inline(__always)
    mutating func removeLast() -> Int32 {
        assert(count > 0, "removeLast on an empty line")
        count &-= 1
        return storage![(head &+ count) & (capacity &- 1)]
    }

    /// Removes `x` from the line wherever it waits, keeping the others' order; false when it
    /// does not wait here. O(position from the head): a FIFO line with a fixed timeout loses
    /// its head, in O(1).
    mutating func remove(_ x: Int32) -> Bool {
        guard count > 0, let storage else { return false }
        let mask = capacity &- 1
        var k = 0
        while k < count && storage[(head &+ k) & mask] != x { k += 1 }
        guard k < count else { return false }
        if k == 0 {
            head = (head &+ 1) & mask
        } else {
            for j in k..<(count - 1) { storage[(head &+ j) & mask] = storage[(head &+ j &+ 1) & mask] }
            if let tags {
                for j in k..<(count - 1) { tags[(head &+ j) & mask] = tags[(head &+ j &+ 1) & mask] }
            }
        }
        count &-= 1
        return true
    }

    /// The waiting request that takes a worker coming free, by the station's discipline
    /// (never `.processorSharing`, which has no waiting line).
    @inline(__always)
    mutating func next(_ discipline: QueueDiscipline) -> Int32 {
        switch discipline {
        case .fifo: return removeFirst()
        case .lifo: return removeLast()
        case .adaptiveLifo(let above): return count > above ? removeLast() : removeFirst()
        case .priority: return removeFirst()
        case .processorSharing: preconditionFailure("processor sharing has no waiting line")
        }
    }

    // MARK: processor sharing (min-heap by finish tag)

    /// Processor sharing: requests in the heap (in service). Not part of `count`, which counts
    /// waiting requests only (none under processor sharing).
    private(set) var heapCount = 0

    /// The request in service with the smallest finish tag, and that tag.
    var heapMin: (tag: Double, request: Int32) {
        assert(heapCount > 0, "heapMin on an empty heap")
        return (tags![0], storage![0])
    }

    @inline(__always)
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        tags![a] < tags![b] || (tags![a] == tags![b] && storage![a] < storage![b])
    }

    @inline(__always)
    private func swapAt(_ a: Int, _ b: Int) {
        let t = tags![a]
        tags![a] = tags![b]
        tags![b] = t
        let x = storage![a]
        storage![a] = storage![b]
        storage![b] = x
    }

    mutating func heapPush(tag: Double, request: Int32) {
        if tags == nil { useTags() }
        if heapCount == capacity { grow() }
        var k = heapCount
        tags![k] = tag
        storage![k] = request
        heapCount &+= 1
        while k > 0 {
            let parent = (k &- 1) >> 1
            guard precedes(k, parent) else { break }
            swapAt(k, parent)
            k = parent
        }
    }

    mutating func heapPopMin() -> (tag: Double, request: Int32) {
        assert(heapCount > 0, "heapPopMin on an empty heap")
        let top = (tags![0], storage![0])
        heapCount &-= 1
        if heapCount > 0 {
            tags![0] = tags![heapCount]
            storage![0] = storage![heapCount]
            var k = 0
            while true {
                let l = 2 &* k &+ 1
                let r = l &+ 1
                var m = k
                if l < heapCount && precedes(l, m) { m = l }
                if r < heapCount && precedes(r, m) { m = r }
                if m == k { break }
                swapAt(k, m)
                k = m
            }
        }
        return top
    }

    // MARK: storage

    private mutating func grow() {
        let newCapacity = Swift.max(16, capacity * 2)
        let newStorage = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        // The entries from the head on: the ring's (`count`), or the heap's (`heapCount`, head
        // 0); one of the two counts is 0.
        let n = Swift.max(count, heapCount)
        for i in 0..<n { newStorage[i] = storage![(head + i) & (capacity - 1)] }
        if let old = tags {
            let newTags = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
            for i in 0..<n { newTags[i] = old[(head + i) & (capacity - 1)] }
            old.deallocate()
            tags = newTags
        }
        storage?.deallocate()
        storage = newStorage
        capacity = newCapacity
        head = 0
    }

    /// Gives an empty line its tags, on first use: heap mode (processor sharing) or priority
    /// mode (the ring with a level per entry).
    private mutating func useTags() {
        precondition(count == 0 && heapCount == 0 && tags == nil)
        let initial = 16
        storage?.deallocate()
        storage = .allocate(capacity: initial)
        tags = .allocate(capacity: initial)
        capacity = initial
        head = 0
    }

    mutating func deallocate() {
        storage?.deallocate()
        tags?.deallocate()
        storage = nil
        tags = nil
        capacity = 0
        head = 0
        count = 0
        heapCount = 0
    }
}
