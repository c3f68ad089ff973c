#if canImport(Glibc)
import Glibc
#endif

/// The M/M/c+G queue for two laws of patience: c servers, Poisson arrivals of λ per second,
/// exponential service of mean E[S] seconds, FIFO, and each waiting request gives up once it has
/// waited its patience (it never leaves once in service). Abandonment keeps the queue stable at
/// any load, overloaded or not.
///
/// - Exponential patience of mean 1/θ (Erlang-A, M/M/c+M; Palm): the number present is a
///   birth–death chain with births λ and deaths min(j, c)μ + (j − c)⁺θ, optionally cut at
///   K = c + room requests (M/M/c/K+M). Abandonments per second are θ·E[(N − c)⁺].
/// - Fixed patience D (M/M/c+D): an arrival is served exactly when its offered wait V (the
///   time until a server would take it) is at most D. V is 0 with probability Σ_{j<c} π_j and
///   has density f(x) = λπ_{c−1}·exp(λH(x) − cμx) above 0, H(x) = min(x, D) (Baccelli and
///   Hébuterne; Zeltyn and Mandelbaum for general patience), so every figure is a closed form.
///   Unlimited waiting room only.
///
/// Everything is computed relative to the chain's largest term (or, for fixed patience, scaled
/// by e^{−max(βD, 0)}, β = λ − cμ), so long patience under heavy overload stays finite.
public struct ImpatientQueue: Sendable, Equatable {
    public enum Patience: Sendable, Equatable {
        /// Exponentially distributed, with this mean in seconds.
        case exponential(mean: Double)
        /// Exactly this many seconds.
        case fixed(Double)
    }

    public let servers: Int
    /// Waiting places; nil = unlimited.
    public let waitingRoom: Int?
    public let arrivalRate: Double
    public let meanService: Double
    public let patience: Patience

    /// Share of arrivals that give up waiting.
    public let abandonment: Double
    /// Share of arrivals turned away because the line is full (0 with unlimited room).
    public let blocking: Double
    /// Probability that an admitted request finds every server busy and waits.
    public let waitProbability: Double
    /// Mean number of requests in the line (not in service), those that will give up included.
    public let meanWaiting: Double

    /// Load carried by the servers, λ·E[S]·(1 − blocking − abandonment): the mean number busy
    /// (at most c; rounding in 1 − abandonment near 1 could otherwise nudge it past).
    public var carriedLoad: Double {
        min(arrivalRate * meanService * max(1 - blocking - abandonment, 0), Double(servers))
    }
    /// Share of the servers' time busy.
    public var utilization: Double { carriedLoad / Double(servers) }
    /// Mean number present, L_q + the load carried.
    public var meanInSystem: Double { meanWaiting + carriedLoad }
    /// Mean time in the line of an admitted request, those that give up included (Little's law
    /// over the admitted stream).
    public var meanWait: Double {
        let admitted = arrivalRate * (1 - blocking)
        return admitted > 0 ? meanWaiting / admitted : 0
    }

    /// Nil when the figures cannot be had in bounded work (the chain's peak beyond ten million
    /// places, or more than 10⁸ terms to sum), for fixed patience with a bounded line, or for
    /// inputs that are not finite and positive (c ≥ 1, λ ≥ 0).
    public init?(
        servers c: Int, waitingRoom room: Int? = nil, arrivalRate lambda: Double, meanService s: Double,
        patience: Patience
    ) {
        guard c >= 1, c <= 10_000_000, room.map({ $0 >= 0 }) ?? true, lambda.isFinite, lambda >= 0, s.isFinite,
            s > 0
        else { return nil }
        servers = c
        waitingRoom = room
        arrivalRate = lambda
        meanService = s
        self.patience = patience
        let a = lambda * s
        guard a.isFinite, a > 0 else {
            (abandonment, blocking, waitProbability, meanWaiting) = (0, 0, 0, 0)
            return
        }
        switch patience {
        case .exponential(let mean):
            guard mean.isFinite, mean > 0,
                let chain = Self.exponentialChain(servers: c, room: room, lambda: lambda, mu: 1 / s, theta: 1 / mean)
            else { return nil }
            meanWaiting = chain.waiting
            abandonment = chain.waiting / mean / lambda
            blocking = chain.blocking
            waitProbability = blocking < 1 ? (chain.busy - chain.blocking) / (1 - chain.blocking) : 0
        case .fixed(let d):
            guard room == nil, d.isFinite, d >= 0 else { return nil }
            let f = Self.fixedPatience(servers: c, lambda: lambda, mu: 1 / s, patience: d)
            blocking = 0
            abandonment = f.abandonment
            waitProbability = f.waits
            meanWaiting = lambda * f.timeInLine
        }
    }

    /// Erlang-A's chain: P(N ≥ c), E[(N − c)⁺] and P(N = K).
    static func exponentialChain(
        servers c: Int, room: Int?, lambda: Double, mu: Double, theta: Double
    ) -> (busy: Double, waiting: Double, blocking: Double)? {
        let a = lambda / mu
        let b = FiniteQueue.erlangB(servers: c, load: a)
        // Nobody finds every server busy (p_c underflows against the states below it).
        guard b > 0 else { return (0, 0, 0) }
        // The states below c weigh (1 − B)/B relative to p_c; the line's k-th state
        // Π_{i≤k} λ/(cμ + iθ), whose largest term sits where λ = cμ + kθ.
        let logBelow = log1p(-b) - log(b)
        let cmu = Double(c) * mu
        let top = room ?? Int.max
        let crest = min(max((lambda - cmu) / theta, 0).rounded(.down), Double(min(top, 10_000_001)))
        guard crest <= 10_000_000 else { return nil }
        let peak = Int(crest)
        var logPeak = 0.0
        if peak > 0 { for i in 1...peak { logPeak += log(lambda / (cmu + Double(i) * theta)) } }
        var all = 0.0
        var weighted = 0.0
        var logTerm = 0.0
        var last = 0.0
        var k = 0
        while true {
            let term = exp(logTerm - logPeak)
            all += term
            weighted += Double(k) * term
            last = term
            if k == top || (k > peak && term < 1e-18 * all) { break }
            k += 1
            guard k <= 100_000_000 else { return nil }
            logTerm += log(lambda / (cmu + Double(k) * theta))
        }
        let total = exp(logBelow - logPeak) + all
        return (all / total, weighted / total, room == nil ? 0 : last / total)
    }

    /// M/M/c+D: the share giving up P(V > D), the share waiting P(V > 0), and the mean time in
    /// line per arrival E[min(V, D)].
    static func fixedPatience(
        servers c: Int, lambda: Double, mu: Double, patience d: Double
    ) -> (abandonment: Double, waits: Double, timeInLine: Double) {
        let a = lambda / mu
        // Σ_{j<c} π_j over π_{c−1}: 1/B(c − 1, a).
        let bBelow = c == 1 ? 1 : FiniteQueue.erlangB(servers: c - 1, load: a)
        guard bBelow > 0 else { return (0, 0, 0) }
        let cmu = Double(c) * mu
        let beta = lambda - cmu
        let x = beta * d
        // Each integral of f over λπ_{c−1}, scaled by e^{−max(x, 0)}:
        // ∫₀ᴰ e^{βt} dt, ∫₀ᴰ t·e^{βt} dt and the tail ∫_D^∞ e^{λD − cμt} dt = e^{βD}/(cμ).
        let shift = max(x, 0)
        let body: Double
        let moment: Double
        if abs(x) < 1e-2 {
            // Near β = 0 the closed forms cancel: their series in x = βD.
            let series = 1 + x / 2 + x * x / 6 + x * x * x / 24 + x * x * x * x / 120
            body = d * series * exp(-shift)
            let second = 0.5 + x / 3 + x * x / 8 + x * x * x / 30 + x * x * x * x / 144
            moment = d * d * second * exp(-shift)
        } else if x > 0 {
            body = -expm1(-x) / beta
            moment = (x - 1 + exp(-x)) / (beta * beta)
        } else {
            body = expm1(x) / beta
            moment = (exp(x) * (x - 1) + 1) / (beta * beta)
        }
        let tail = exp(x - shift) / cmu
        let norm = exp(-shift) / bBelow + lambda * (body + tail)
        return (lambda * tail / norm, lambda * (body + tail) / norm, lambda * (moment + d * tail) / norm)
    }
}
