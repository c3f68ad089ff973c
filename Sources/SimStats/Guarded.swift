#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value shared between threads, reached only under a lock: the replications of a run report
/// into one of these from whichever thread ran them.
///
/// A POSIX mutex rather than the standard library's `Mutex`: ThreadSanitizer intercepts
/// `pthread_mutex_lock`, but on Linux `Mutex` waits on a futex inside the uninstrumented
/// standard library, so every access it guards is reported as a race and `Scripts/sanitize
/// thread` would show nothing but those. Locked once per replication, never per event, so
/// its cost does not matter.
public final class Guarded<Value: Sendable>: @unchecked Sendable {
    // Invariant: `value` is read and written only between lock and unlock of `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` on the value with the lock held (not reentrant: `body` must not lock it again).
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
