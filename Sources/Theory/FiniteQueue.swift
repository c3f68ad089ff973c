#if canImport(Glibc)
import Glibc
#endif

/// The M/M/c/K queue: c servers, room for K − c waiting requests, Poisson arrivals of λ per
/// second and exponential service of mean E[S] seconds; an arrival that finds K requests present
/// is turned away. Its number in system is a birth–death chain with
/// p_n ∝ aⁿ/n! for n ≤ c and p_n = p_c·ρⁿ⁻ᶜ for c ≤ n ≤ K (a = λ·E[S], ρ = a/c), stable for
/// every load, overloaded or not: the blocking, the load carried and the waits follow exactly.
///
/// With no waiting room (K = c) this is Erlang's loss system, whose blocking B(c, a) and
/// carried load hold for any service distribution of the same mean (insensitivity).
///
/// Computed without factorials or powers that overflow: the servers' part through Erlang B's
/// recursion, the waiting room's geometric sums in closed form or, near ρ = 1, term by term —
/// relative to its largest term, so room for billions of requests at ρ > 1 stays finite.
public struct FiniteQueue: Sendable, Equatable {
    /// Servers (c ≥ 1) and waiting places (K − c ≥ 0).
    public let servers: Int
    public let waitingRoom: Int
    /// Requests per second offered, and the mean service time in seconds.
    public let arrivalRate: Double
    public let meanService: Double
    /// Probability that an arrival is turned away: p_K (by PASTA, the share of requests lost).
    public let blocking: Double
    /// Mean number of requests waiting (not in service), L_q.
    public let meanWaiting: Double
    /// Probability that an admitted request waits for a server:
    /// P(c ≤ N < K)/(1 − p_K).
    public let waitProbability: Double

    /// Offered load a = λ·E[S], in erlangs.
    public var offeredLoad: Double { arrivalRate * meanService }
    /// Load carried by the servers, a·(1 − p_K): the mean number of busy servers.
    public var carriedLoad: Double { offeredLoad * (1 - blocking) }
    /// Share of the servers' time busy, a·(1 − p_K)/c.
    public var utilization: Double { carriedLoad / Double(servers) }
    /// Mean number present, L = L_q + a·(1 − p_K).
    public var meanInSystem: Double { meanWaiting + carriedLoad }
    /// Mean wait for a server of an admitted request, in seconds: L_q/(λ·(1 − p_K)) by
    /// Little's law over the admitted stream.
    public var meanWait: Double {
        let admitted = arrivalRate * (1 - blocking)
        return admitted > 0 ? meanWaiting / admitted : 0
    }

    /// Nil when the figures cannot be had in bounded work: more than ten million servers, or a
    /// waiting room beyond a hundred million places with ρ within about 10⁻⁶ of 1 (where the
    /// chain's terms neither grow nor shrink fast enough to sum in closed form), or inputs that
    /// are not finite and non-negative.
    public init?(servers c: Int, waitingRoom m: Int, arrivalRate lambda: Double, meanService s: Double) {
        guard c >= 1, c <= 10_000_000, m >= 0, lambda.isFinite, lambda >= 0, s.isFinite, s >= 0 else {
            return nil
        }
        servers = c
        waitingRoom = m
        arrivalRate = lambda
        meanService = s
        let a = lambda * s
        guard a.isFinite else { return nil }
        guard a > 0 else {
            blocking = 0
            meanWaiting = 0
            waitProbability = 0
            return
        }
        let rho = a / Double(c)
        let b = Self.erlangB(servers: c, load: a)
        // Weights relative to p_c: the states below c weigh (1 − B)/B (B = p_c over the
        // servers' states 0…c), the waiting room's states ρʲ, j = 0…m.
        let below = (1 - b) / b
        if rho <= 1 {
            guard let sums = Self.geometricSums(ratio: rho, terms: m) else { return nil }
            let total = below + sums.all
            blocking = pow(rho, Double(m)) / total
            meanWaiting = sums.weighted / total
            waitProbability = (sums.all - pow(rho, Double(m))) / total / (1 - blocking)
        } else {
            // Relative to the top state p_K instead: ρʲ⁻ᵐ = rᵐ⁻ʲ with r = 1/ρ, so
            // Σ ρʲ = ρᵐ·Σ rⁱ and Σ j·ρʲ = ρᵐ·(m·Σ rⁱ − Σ i·rⁱ).
            guard let sums = Self.geometricSums(ratio: 1 / rho, terms: m) else { return nil }
            let total = below * exp(-Double(m) * log(rho)) + sums.all
            blocking = 1 / total
            meanWaiting = (Double(m) * sums.all - sums.weighted) / total
            waitProbability = (sums.all - 1) / total / (1 - blocking)
        }
    }

    /// Erlang B, B(c, a) = (aᶜ/c!)/Σ_{k≤c} aᵏ/k!, by the recursion B(k) = aB(k−1)/(k + aB(k−1)),
    /// which stays in [0, 1]; stops early once B underflows to 0.
    public static func erlangB(servers c: Int, load a: Double) -> Double {
        var b = 1.0
        for k in 1...max(c, 1) {
            b = a * b / (Double(k) + a * b)
            if b == 0 { return 0 }
        }
        return b
    }

    /// For 0 ≤ x ≤ 1: Σ_{i=0}^{n} xⁱ and Σ_{i=0}^{n} i·xⁱ. Closed forms where 1 − x is not
    /// small (their cancellation is then harmless); term by term near 1, stopping once xⁱ has
    /// fallen below e⁻⁶⁰ of the first term; nil when that would take more than 10⁸ terms.
    static func geometricSums(ratio x: Double, terms n: Int) -> (all: Double, weighted: Double)? {
        if x == 1 {
            let count = Double(n)
            return (count + 1, count * (count + 1) / 2)
        }
        if x < 0.999 {
            let top = pow(x, Double(n))
            let all = (1 - top * x) / (1 - x)
            let weighted = x * (1 - (Double(n) + 1) * top + Double(n) * top * x) / ((1 - x) * (1 - x))
            return (all, max(weighted, 0))
        }
        let needed = 60 / -log(x)
        let count = Double(n) < needed ? n : Int(needed.rounded(.up))
        guard count <= 100_000_000 else { return nil }
        var all = 0.0
        var weighted = 0.0
        var term = 1.0
        for i in 0...count {
            all += term
            weighted += Double(i) * term
            term *= x
        }
        return (all, weighted)
    }
}
