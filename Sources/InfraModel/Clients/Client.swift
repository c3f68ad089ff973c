import SimKernel

/// A logical request as its client sees it, across the attempts it makes (classes with a
/// `ClientPolicy` only). Lives in `ClientSlab`, addressed by index.
struct Client: SlabElement {
    var arrival: SimTime
    var serial: UInt64
    var classIndex: Int32
    /// Attempts started so far.
    var attempts: Int32
    /// Slab index of the attempt the client is waiting for; −1 while it backs off.
    var current: Int32
    /// Distinguishes this client from later ones in the same slot (for stale timers and retries).
    var stamp: UInt32
    /// The previous backoff wait in ns (for decorrelated jitter).
    var previousWait: Int64
    var live: Bool
    var isLive: Bool { live }
    mutating func markFree() { live = false }
    /// What is to blame for its last failed attempt's error (nobody for its own timeout).
    var blame = Blame()
}

/// Clients in flight, addressed by index like requests. Its owner (`Simulation`) calls
/// `deallocate()` exactly once.
typealias ClientSlab = Slab<Client>
