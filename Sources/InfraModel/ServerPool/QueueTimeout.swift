import SimKernel
import SimRandom

/// How long a request waits in a server pool's line before the server drops it unserved
/// (`timeout:` on a pool): a server-side queue timeout, distinct from a client's timeout, which
/// runs through service too. The request leaves the line the moment its time is up, freeing its
/// place, and ends with `timeout`, blamed on the pool.
public enum QueueTimeout: Sendable, Equatable {
    /// Every request waits at most this long (a fixed server queue timeout).
    case fixed(SimDuration)
    /// Each visit's own patience, drawn when the request joins the line (seconds): exponential
    /// patience makes an M/M/c pool the Erlang-A queue (M/M/c+M), abandoning only while waiting.
    case patience(Distribution)
}
