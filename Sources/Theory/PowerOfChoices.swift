#if canImport(Glibc)
import Glibc
#endif

/// Joining the shorter of d sampled instances ("power of d choices", `balance: power_of_two` is
/// d = 2) in its mean-field limit: many instances, each with c workers, exponential service of
/// mean E[S], Poisson arrivals of λ per instance, and room for K requests per instance (or
/// none). With s_k the share of instances holding at least k requests (s_0 = 1), an arrival
/// raises an instance from k − 1 to k when the least loaded of its d samples holds k − 1, so
/// in equilibrium, for k = 1…K,
///
///     λ·(s_{k−1}^d − s_k^d) = μ·min(k, c)·(s_k − s_{k+1}),   s_{K+1} = 0,
///
/// and an arrival whose d samples are all full is turned away (share s_K^d). Without a bound,
/// summing from k upwards gives s_k = (λ/(cμ))·s_{k−1}^d for k ≥ c: the tail falls doubly
/// exponentially (Vvedenskaya, Dobrushin and Karpelevich 1996; Mitzenmacher 2001, whose
/// single-worker solution s_k = ρ^((dᵏ − 1)/(d − 1)) this reproduces). With d = 1 the same
/// equations are M/M/c (or M/M/c/K) at each instance, which the tests use as a check.
///
/// Solved by shooting: a trial value of the top of the chain (s_c without a bound, s_K with
/// one) fixes every level below through the equations, run downwards (their stable
/// direction), and bisection finds the value whose s_0 is 1.
public struct PowerOfChoices: Sendable, Equatable {
    public let choices: Int
    public let servers: Int
    /// Waiting places per instance (K − c); nil = unlimited.
    public let waitingRoom: Int?
    /// Requests per second per instance, and the mean service time in seconds.
    public let arrivalRate: Double
    public let meanService: Double
    /// Share of arrivals turned away: every sample full, s_K^d (0 without a bound).
    public let blocking: Double
    /// Per instance: mean number present Σ_{k≥1} s_k, and waiting Σ_{k>c} s_k.
    public let meanInSystem: Double
    public let meanWaiting: Double
    /// Probability that an admitted request waits: its chosen instance has all c workers
    /// busy, (s_c^d − s_K^d)/(1 − s_K^d).
    public let waitProbability: Double

    /// Load each instance's workers carry, Σ_{k=1}^{c} s_k = λ(1 − blocking)·E[S], over c.
    public var utilization: Double { arrivalRate * (1 - blocking) * meanService / Double(servers) }
    /// Mean wait of an admitted request, in seconds (Little's law over the admitted stream).
    public var meanWait: Double {
        let admitted = arrivalRate * (1 - blocking)
        return admitted > 0 ? meanWaiting / admitted : 0
    }

    /// The chain's levels are walked one by one: nil beyond 100,000 levels (workers plus
    /// waiting places) or 10⁷ tail terms, for an unbounded queue at or beyond capacity, and for
    /// inputs that are not finite and non-negative.
    public init?(choices d: Int, servers c: Int, waitingRoom: Int?, arrivalRate lambda: Double, meanService s: Double) {
        guard d >= 1, c >= 1, c <= 100_000, (waitingRoom ?? 0) >= 0, lambda.isFinite, lambda >= 0, s.isFinite, s >= 0
        else { return nil }
        choices = d
        servers = c
        self.waitingRoom = waitingRoom
        arrivalRate = lambda
        meanService = s
        let rho = lambda * s / Double(c)
        guard rho.isFinite else { return nil }
        guard rho > 0 else {
            blocking = 0
            meanInSystem = 0
            meanWaiting = 0
            waitProbability = 0
            return
        }
        // Without a bound, or with one the unbounded chain never reaches (its tail there is
        // below 10⁻²⁰⁰), the unbounded solution holds.
        if rho < 1, let open = Self.unbounded(d: d, c: c, rho: rho),
            waitingRoom.map({ c + $0 >= open.count || open[c + $0] < 1e-200 }) ?? true
        {
            blocking = 0
            meanInSystem = open.dropFirst().reduce(0, +)
            meanWaiting = open.dropFirst(c + 1).reduce(0, +)
            waitProbability = pow(open[c], Double(d))
            return
        }
        guard let room = waitingRoom, c + room <= 100_000,
            let levels = Self.bounded(d: d, c: c, capacity: c + room, rho: rho)
        else { return nil }
        let full = pow(levels[c + room], Double(d))
        blocking = full
        meanInSystem = levels.dropFirst().reduce(0, +)
        meanWaiting = levels.dropFirst(c + 1).reduce(0, +)
        waitProbability = full < 1 ? (pow(levels[c], Double(d)) - full) / (1 - full) : 0
    }

    /// s_0…s_{k−1} below a top value: from s_k and s_{k+1}, the equation at level k gives
    /// s_{k−1} = (s_k^d + min(k, c)·(s_k − s_{k+1})/(cρ))^{1/d}, ρ = λE[S]/c. Returns s_0; fills
    /// `levels[0..<k]`.
    static func below(_ levels: inout [Double], from k: Int, d: Int, c: Int, rho: Double) -> Double {
        let load = rho * Double(c)
        var j = k
        while j >= 1 {
            let raised = pow(levels[j], Double(d)) + Double(min(j, c)) * (levels[j] - levels[j + 1]) / load
            levels[j - 1] = d == 1 ? raised : d == 2 ? raised.squareRoot() : pow(raised, 1 / Double(d))
            // Past 1 the trial is too high, whatever lies below.
            if levels[j - 1] > 1 { return .infinity }
            j -= 1
        }
        return levels[0]
    }

    /// The unbounded chain s_0, s_1, … until its terms are negligible (below 10⁻¹⁸ of s_c):
    /// bisection on s_c, the tail above it s_k = ρ·s_{k−1}^d; nil when the tail would take more
    /// than 10⁷ terms.
    static func unbounded(d: Int, c: Int, rho: Double) -> [Double]? {
        // While shooting only s_{c+1} matters below c; the whole tail once s_c is found.
        func chain(top: Double, whole: Bool) -> [Double]? {
            var levels = Array(repeating: 0.0, count: c + 1)
            levels[c] = top
            var k = c
            repeat {
                guard levels.count < 10_000_000 else { return nil }
                levels.append(rho * pow(levels[k], Double(d)))
                k += 1
            } while whole && levels[k] > 1e-300 && levels[k] > 1e-18 * levels[c]
            levels.append(0)
            return levels
        }
        return shoot(chain: chain, from: c, d: d, c: c, rho: rho)
    }

    /// The chain bounded at K: bisection on s_K, with s_{K+1} = 0.
    static func bounded(d: Int, c: Int, capacity k: Int, rho: Double) -> [Double]? {
        func chain(top: Double, whole: Bool) -> [Double]? {
            var levels = Array(repeating: 0.0, count: k + 2)
            levels[k] = top
            return levels
        }
        return shoot(chain: chain, from: k, d: d, c: c, rho: rho)
    }

    /// Bisection, on a logarithmic scale between 10⁻³⁰⁰ and 1, for the top value `chain` starts
    /// from at level `from` whose levels below give s_0 = 1 (`chain(top, whole)`: the levels
    /// from the top up, a trailing zero last; `whole` false when only the level just above the
    /// top is needed). The chain is returned without its trailing zero.
    static func shoot(
        chain: (Double, Bool) -> [Double]?, from top: Int, d: Int, c: Int, rho: Double
    ) -> [Double]? {
        var lo = log(1e-300)
        var hi = 0.0
        guard var levels = chain(exp(lo), true) else { return nil }
        if below(&levels, from: top, d: d, c: c, rho: rho) >= 1 {
            // The top is below 10⁻³⁰⁰: nothing reaches it.
            levels.removeLast()
            return levels
        }
        for _ in 0..<120 {
            let mid = (lo + hi) / 2
            guard var trial = chain(exp(mid), false) else { return nil }
            if below(&trial, from: top, d: d, c: c, rho: rho) > 1 { hi = mid } else { lo = mid }
        }
        guard var result = chain(exp((lo + hi) / 2), true) else { return nil }
        _ = below(&result, from: top, d: d, c: c, rho: rho)
        result.removeLast()
        return result
    }
}
