#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of zero-filled memory mapped straight from the kernel, for large tables of counts of
/// which a replication touches a small part (latency histograms: a run's latencies fill a few
/// pages of the layout's buckets).
///
/// Why not `calloc`: glibc serves a large `calloc` from fresh pages only until a block that size
/// has been freed; then its mmap threshold rises past the size, and every later `calloc` comes
/// from the heap and is cleared with `memset` — the whole table, each replication (about 2.5 M
/// instructions per 270 KB histogram block, most of a short replication's set-up). A private
/// anonymous mapping is zero by definition, and the kernel supplies a page only when it is
/// first touched.
///
/// Invariant: `pointer` is page-aligned and `bytes` long until `release()`, called once.
struct ZeroPages {
    let pointer: UnsafeMutableRawPointer
    let bytes: Int

    /// Maps `bytes` (> 0) of zeroed memory; stops the process when the kernel refuses (out of
    /// memory: there is nothing useful to do without the table).
    init(bytes: Int) {
        precondition(bytes > 0, "a mapping of at least one byte")
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else { preconditionFailure("out of memory for \(bytes) bytes of counts") }
        pointer = p
        self.bytes = bytes
    }

    /// The block as `count` values of `T` (`count × stride ≤ bytes`).
    func bound<T>(to type: T.Type, capacity count: Int) -> UnsafeMutablePointer<T> {
        precondition(count * MemoryLayout<T>.stride <= bytes, "the block holds the values")
        return pointer.bindMemory(to: type, capacity: count)
    }

    func release() { munmap(pointer, bytes) }
}
