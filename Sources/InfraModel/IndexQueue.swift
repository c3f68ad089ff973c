/// A FIFO of request indices: a growable ring buffer in manually managed memory, so the hot
/// path pays no copy-on-write uniqueness checks. Once it has grown to its peak length it never
/// allocates again. Its owner (`Simulation`) calls `deallocate()` exactly once.
///
/// Invariant: `0 ≤ count ≤ capacity`, and capacity is 0 or a power of two.
struct IndexQueue {
    private var storage: UnsafeMutablePointer<Int32>?
    private var capacity = 0
    private var head = 0
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    mutating func append(_ x: Int32) {
        if count == capacity { grow() }
        storage![(head &+ count) & (capacity &- 1)] = x
        count &+= 1
    }

    @inline(__always)
    mutating func removeFirst() -> Int32 {
        assert(count > 0, "removeFirst on an empty queue")
        let x = storage![head]
        head = (head &+ 1) & (capacity &- 1)
        count &-= 1
        return x
    }

    private mutating func grow() {
        let newCapacity = Swift.max(16, capacity * 2)
        let newStorage = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        for i in 0..<count { newStorage[i] = storage![(head + i) & (capacity - 1)] }
        storage?.deallocate()
        storage = newStorage
        capacity = newCapacity
        head = 0
    }

    mutating func deallocate() {
        storage?.deallocate()
        storage = nil
        capacity = 0; head = 0; count = 0
    }
}
