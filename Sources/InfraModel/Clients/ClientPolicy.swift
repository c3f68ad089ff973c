import SimKernel
import SimRandom

/// How the client of a request class behaves: per-attempt timeout, overall deadline, retries.
/// A class without one sends each request once and waits for it as long as it takes.
public struct ClientPolicy: Sendable, Equatable {
    /// The client gives up on an attempt after this long (the attempt keeps whatever server
    /// holds it: wasted work); nil = waits forever.
    public var timeout: SimDuration?
    /// A per-attempt timeout drawn afresh for every attempt (the patience of the person or
    /// program waiting: exponential patience makes a pool with `drop_expired` an Erlang-A
    /// queue); excludes `timeout`. Seconds.
    public var patience: Distribution?
    /// The request fails with `deadline_exceeded` this long after it first arrived, whatever
    /// attempt is running; nil = no deadline.
    public var deadline: SimDuration?
    public var retries: RetryPolicy?

    public init(
        timeout: SimDuration? = nil, patience: Distribution? = nil, deadline: SimDuration? = nil,
        retries: RetryPolicy? = nil
    ) {
        precondition(timeout == nil || patience == nil, "a client has a fixed timeout or a random patience, not both")
        self.timeout = timeout
        self.patience = patience
        self.deadline = deadline
        self.retries = retries
    }
}

/// When and how often a failed attempt (timed out, or an error such as `queue_full`) is retried.
public struct RetryPolicy: Sendable, Equatable {
    public enum Backoff: String, Sendable, Equatable, CaseIterable {
        /// Every retry waits `base`.
        case constant
        /// Retry n waits base · 2^(n−1), at most `cap`.
        case exponential
    }

    /// AWS's jitter variants ("Exponential Backoff And Jitter"), applied to the backoff d.
    public enum Jitter: String, Sendable, Equatable, CaseIterable {
        case none
        /// U(0, d)
        case full
        /// d/2 + U(0, d/2)
        case equal
        /// min(cap, U(base, 3 · previous wait))
        case decorrelated
    }

    /// Retries after the first attempt (so at most 1 + maxRetries attempts).
    public var maxRetries: Int
    public var backoff: Backoff
    public var base: SimDuration
    public var cap: SimDuration
    public var jitter: Jitter
    /// Retry budget as a share of first attempts (0.1 = retries may add at most ~10 % to the
    /// traffic): a token bucket that gains `budget` tokens per first attempt (at most 10 + 100 ·
    /// budget tokens, starting full) and spends one per retry. nil = no budget.
    public var budget: Double?
    /// A random backoff: every retry waits a fresh draw of this distribution (seconds), at most
    /// `cap`, instead of `backoff`'s schedule (so `base` and `jitter` do not apply). nil = the
    /// schedule.
    public var randomBackoff: Distribution?

    public init(
        maxRetries: Int, backoff: Backoff = .exponential, base: SimDuration = .milliseconds(50),
        cap: SimDuration = .seconds(10), jitter: Jitter = .full, budget: Double? = nil,
        randomBackoff: Distribution? = nil
    ) {
        self.maxRetries = maxRetries
        self.backoff = backoff
        self.base = base
        self.cap = cap
        self.jitter = jitter
        self.budget = budget
        self.randomBackoff = randomBackoff
    }

    /// The wait before retry number `n` (1-based), in nanoseconds, drawing from `stream` (seated
    /// by the caller for this retry): a random backoff's draw, or the schedule with one uniform
    /// draw of jitter (`previous`: the last wait, for decorrelated jitter).
    func wait(retry n: Int, stream: RandomStream, previous: Int64) -> Int64 {
        if let randomBackoff {
            let seconds = min(randomBackoff.sample(stream), Double(cap.nanoseconds) * 1e-9)
            return Int64(saturatingRounded: max(0, seconds) * 1e9)
        }
        return wait(retry: n, u: stream.uniform(), previous: previous)
    }

    /// The wait before retry number `n` (1-based) given a uniform draw u in [0, 1) and the
    /// previous wait (for decorrelated jitter), in nanoseconds.
    func wait(retry n: Int, u: Double, previous: Int64) -> Int64 {
        let b = Double(base.nanoseconds)
        let c = Double(cap.nanoseconds)
        let d: Double =
            switch backoff {
            case .constant: min(b, c)
            case .exponential: min(c, b * Double(sign: .plus, exponent: min(n - 1, 60), significand: 1))
            }
        let w: Double =
            switch jitter {
            case .none: d
            case .full: u * d
            case .equal: d / 2 + u * d / 2
            case .decorrelated: min(c, b + u * (max(b, 3 * Double(previous)) - b))
            }
        // Saturating: a cap of `Int64.max` ns is 2⁶³ as a Double, one past Int64's range.
        return Int64(saturatingRounded: w)
    }
}
