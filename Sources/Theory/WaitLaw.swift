#if canImport(Glibc)
import Glibc
#endif

/// The distribution of a visit's wait for a worker, where queueing theory gives it exactly: no
/// wait with probability 1 − Σ wₖ, else an Erlang of k + 1 phases at rate θ with probability wₖ.
///
/// - M/M/c (Erlang C) and GI/M/c (Takács): one phase — a request that waits waits an exponential
///   time of rate cμ(1 − σ), so P(W > t) = P(wait)·e^{−θt} (σ = ρ for Poisson arrivals).
/// - M/M/c/K, for admitted requests: one that finds c + j present (j < K − c) waits for j + 1
///   departures at rate cμ, an Erlang(j + 1, cμ); wⱼ is the chance an admitted arrival finds
///   c + j present (PASTA), proportional to ρʲ.
///
/// P(W > t) = Σₖ wₖ·P(Erlang(k + 1, θ) > t) = Σᵢ Poisson(i; θt)·Wᵢ with Wᵢ = Σ_{k ≥ i} wₖ, so a
/// survival costs one pass over the phases, its Poisson terms formed in logarithms (θt reaches
/// hundreds in a long queue's tail, where e^{−θt} alone underflows).
///
/// Invariants: θ > 0 and finite; every wₖ ≥ 0 and Σ wₖ ≤ 1 (up to rounding).
public struct WaitLaw: Sendable, Equatable {
    /// wₖ: the probability of waiting k + 1 phases, k = 0, 1, …
    public let phaseWeights: [Double]
    /// θ, per second.
    public let rate: Double
    /// Wᵢ = Σ_{k ≥ i} wₖ, W₀ = P(wait).
    let tailSums: [Double]

    /// Nil unless θ > 0 is finite and the weights are finite, non-negative and sum to at most 1
    /// (within 10⁻⁹).
    public init?(phaseWeights w: [Double], rate theta: Double) {
        guard theta.isFinite, theta > 0, w.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        var sums = w
        var running = 0.0
        for k in sums.indices.reversed() {
            running += w[k]
            sums[k] = running
        }
        guard running <= 1 + 1e-9 else { return nil }
        phaseWeights = w
        rate = theta
        tailSums = sums
    }

    /// M/M/c's wait at one instance (Erlang C): c workers, Poisson arrivals at `arrivalRate`,
    /// exponential service of mean `meanService` seconds, unlimited FIFO queue. Nil at or
    /// beyond capacity.
    public init?(servers c: Int, arrivalRate lambda: Double, meanService s: Double) {
        let a = lambda * s
        guard c >= 1, a.isFinite, a >= 0, s > 0, a < Double(c) else { return nil }
        let waits = a > 0 ? ErlangC.probabilityOfWaiting(servers: c, load: a) : 0
        self.init(phaseWeights: [waits], rate: (Double(c) - a) / s)
    }

    /// GI/M/c's wait (`RenewalQueue`): P(W > t) = P(wait)·e^{−cμ(1 − σ)t}.
    public init?(_ q: RenewalQueue) {
        self.init(phaseWeights: [q.waitProbability], rate: q.waitRate)
    }

    /// M/M/c/K's wait of an admitted request at one instance (`FiniteQueue`'s chain): c workers
    /// and `q.waitingRoom` places, Poisson arrivals, exponential service. Below capacity the
    /// weights fall as ρʲ, so the places where ρʲ is under 10⁻¹⁸ carry less than 10⁻¹⁸ of the
    /// law's mass and are left out: a line far longer than it ever gets (`queue: 100000` at
    /// ρ = 0.9 keeps 394 places) has its law too. Nil without a load, or when more than
    /// `maximumPlaces` places remain.
    public init?(_ q: FiniteQueue) {
        let c = Double(q.servers)
        guard q.meanService > 0, q.arrivalRate > 0 else { return nil }
        let rho = q.offeredLoad / c
        guard rho.isFinite, rho > 0 else { return nil }
        let logRho = log(rho)
        let negligible = rho < 1 ? (log(Self.negligibleWeight) / logRho).rounded(.up) : .infinity
        let m = Double(q.waitingRoom) <= negligible ? q.waitingRoom : Int(negligible)
        guard m <= Self.maximumPlaces else { return nil }
        // ρʲ over Σ_{i<m} ρⁱ, formed from the larger end so that no power overflows.
        let top = rho <= 1 ? 0 : Double(m - 1) * logRho
        var w = (0..<m).map { exp(Double($0) * logRho - top) }
        let total = w.reduce(0, +)
        for j in w.indices { w[j] *= q.waitProbability / total }
        self.init(phaseWeights: w, rate: c / q.meanService)
    }

    /// The most waiting places a law is built for: a survival costs one pass over the places,
    /// and a quantile about 45 of them, so `validate`'s five quantiles of a queue this long take
    /// tens of milliseconds.
    public static let maximumPlaces = 10_000

    /// A place whose weight is below this share of the first place's is left out of an M/M/c/K
    /// law: far below a double's resolution of the weights' sum (about 10⁻¹⁶ of it).
    static let negligibleWeight = 1e-18

    /// P(W > 0): the share of visits that wait at all.
    public var waitProbability: Double { tailSums.first ?? 0 }

    /// Mean wait, seconds: Σₖ wₖ(k + 1)/θ.
    public var mean: Double {
        phaseWeights.enumerated().reduce(0) { $0 + $1.element * Double($1.offset + 1) } / rate
    }

    /// P(W > t), t in seconds.
    public func survival(_ t: Double) -> Double {
        guard t > 0 else { return t < 0 ? 1 : waitProbability }
        let x = rate * t
        let logX = log(x)
        var logPoisson = -x  // log Poisson(i; x), from i = 0
        var sum = 0.0
        for i in tailSums.indices {
            if i > 0 { logPoisson += logX - log(Double(i)) }
            sum += exp(logPoisson) * tailSums[i]
        }
        return min(sum, waitProbability)
    }

    /// The wait's p-quantile in seconds, 0 < p < 1: the least t with P(W > t) ≤ 1 − p (0 when at
    /// least a share p of visits does not wait). Closed form for one phase, else bisection to
    /// a relative 10⁻¹².
    public func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile's level lies in (0, 1)")
        let beyond = 1 - p
        guard waitProbability > beyond else { return 0 }
        if phaseWeights.count == 1 { return log(waitProbability / beyond) / rate }
        // The mean over the share beyond bounds the quantile (Markov): P(W > t) ≤ E[W]/t.
        var lo = 0.0
        var hi = max(mean / beyond, 1 / rate)
        while survival(hi) > beyond { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi || hi - lo <= 1e-12 * hi { break }
            if survival(mid) > beyond { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
