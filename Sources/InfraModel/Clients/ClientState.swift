import SimKernel
import SimRandom

/// The clients of the classes with a `ClientPolicy`: their slab, their timer queues, their retry
/// budgets and their random streams. The timer queues also hold the timeouts of watched calls.
struct ClientState {
    var slab = ClientSlab(capacity: 256)
    /// Timer queues of attempt timeouts, deadlines and watched calls' timeouts.
    var timers = TimerQueues()
    /// Per class: index into `timers` of its attempt-timeout and deadline queues (−1: none).
    var timeoutQueue: [Int32] = []
    var deadlineQueue: [Int32] = []
    /// Per class: retry-budget tokens.
    var budgetTokens: [Double] = []
    /// Per class, read from its `ClientPolicy` once at set-up so that no request copies the
    /// policy (a struct of ≈ 260 bytes, copied several times per look-up): whether it has one,
    /// its retry budget's ratio (nil: no budget), and whether it draws a patience per attempt.
    var hasPolicy: [Bool] = []
    var budgetRatio: [Double?] = []
    var patient: [Bool] = []
    /// Draws of backoff jitter, seated per client and retry.
    let retryStream: RandomStream
    /// Draws of random patience, seated per client and attempt.
    let patienceStream: RandomStream
    /// Some class has a client policy (keeps the per-arrival check off the common path).
    let any: Bool

    @inline(__always)
    subscript(k: Int32) -> Client {
        get { slab[k] }
        nonmutating _modify { yield &slab.slots[Int(k)] }
    }
}

/// Timer queues (`TimerQueue`) and what expires in each: attempt timeouts and deadlines of
/// clients, and the timeouts of watched calls.
///
/// The queues sit in a buffer of their own, so that changing one (twice or so per request of a
/// class with a timeout) goes straight to it, without an array's copy-on-write check. Queues are
/// added at set-up only; `Simulation`'s `deinit` frees them (`deallocate()`).
struct TimerQueues {
    private var queues: UnsafeMutablePointer<TimerQueue>?
    private(set) var count = 0
    var kinds: [TimerKind] = []

    /// Adds a queue of timers of one duration; returns its index.
    mutating func add(_ duration: SimDuration, _ kind: TimerKind) -> Int32 {
        let bigger = UnsafeMutablePointer<TimerQueue>.allocate(capacity: count + 1)
        if let queues {
            bigger.moveInitialize(from: queues, count: count)
            queues.deallocate()
        }
        (bigger + count).initialize(to: TimerQueue(duration: duration))
        queues = bigger
        count += 1
        kinds.append(kind)
        return Int32(count - 1)
    }

    /// Frees every queue's ring and the queues.
    func deallocate() {
        guard let queues else { return }
        for q in 0..<count { queues[q].deallocate() }
        queues.deinitialize(count: count)
        queues.deallocate()
    }

    /// Queue q, one that `add` returned.
    @inline(__always)
    subscript(q: Int) -> TimerQueue {
        unsafeAddress {
            assert(q >= 0 && q < count, "timer queue \(q) of \(count)")
            return UnsafePointer(queues.unsafelyUnwrapped + q)
        }
        nonmutating unsafeMutableAddress {
            assert(q >= 0 && q < count, "timer queue \(q) of \(count)")
            return queues.unsafelyUnwrapped + q
        }
    }
}
