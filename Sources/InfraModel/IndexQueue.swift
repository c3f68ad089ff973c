/// A FIFO of request indices: a growable ring buffer. Once it has grown to its peak length it
/// never allocates again.
///
/// Invariant: `0 ≤ count ≤ storage.count`, and storage.count is 0 or a power of two.
@usableFromInline
struct IndexQueue {
    @usableFromInline var storage: ContiguousArray<Int32> = []
    @usableFromInline var head = 0
    @usableFromInline var count = 0

    @inlinable init() {}

    @inlinable var isEmpty: Bool { count == 0 }

    @inlinable mutating func append(_ x: Int32) {
        if count == storage.count { grow() }
        storage[(head &+ count) & (storage.count &- 1)] = x
        count &+= 1
    }

    @inlinable mutating func removeFirst() -> Int32 {
        assert(count > 0)
        let x = storage[head]
        head = (head &+ 1) & (storage.count &- 1)
        count &-= 1
        return x
    }

    @usableFromInline mutating func grow() {
        let newSize = Swift.max(16, storage.count * 2)
        var newStorage = ContiguousArray<Int32>(repeating: -1, count: newSize)
        for i in 0..<count { newStorage[i] = storage[(head + i) & (storage.count - 1)] }
        storage = newStorage
        head = 0
    }
}
