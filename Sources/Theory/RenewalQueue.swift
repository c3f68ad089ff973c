#if canImport(Glibc)
import Glibc
#endif

/// The gaps between the arrivals an instance receives when they form a renewal process: a
/// source's gaps (Poisson, constant or gamma), thinned at random (a share of the classes, an
/// instance of a random split) and then taken every n-th (round robin over n instances).
/// Both operations keep the gaps independent and identically distributed, so the instance is a
/// GI/M/c queue (`RenewalQueue`) when its service is exponential.
public struct RenewalGaps: Sendable, Equatable {
    /// The source's own gaps.
    public enum Source: Sendable, Equatable {
        /// Exponential gaps at `rate` per second.
        case poisson(rate: Double)
        /// Gaps of exactly 1/`rate` seconds.
        case constant(rate: Double)
        /// Gamma gaps of mean 1/`rate` seconds and coefficient of variation `cv`.
        case gamma(rate: Double, cv: Double)
    }

    public var source: Source
    /// The share of the source's arrivals kept, each independently (0 < kept ≤ 1).
    public var kept: Double
    /// Round robin: the instance takes every n-th of the kept arrivals (n ≥ 1).
    public var every: Int

    public init(source: Source, kept: Double = 1, every: Int = 1) {
        self.source = source
        self.kept = kept
        self.every = every
    }

    /// Arrivals per second at the instance.
    public var rate: Double {
        let base =
            switch source {
            case .poisson(let r), .constant(let r), .gamma(let r, _): r
            }
        return base * kept / Double(every)
    }

    /// The gaps' squared coefficient of variation: a thinned gap is a geometric sum of the
    /// source's (c² → p·c² + 1 − p), and a sum of n gaps has c²/n.
    public var scv: Double {
        let base =
            switch source {
            case .poisson: 1.0
            case .constant: 0.0
            case .gamma(_, let cv): cv * cv
            }
        return (kept * base + 1 - kept) / Double(every)
    }

    /// The Laplace–Stieltjes transform of a gap, E[e^(−sT)], s ≥ 0 per second.
    public func transform(_ s: Double) -> Double {
        var a =
            switch source {
            case .poisson(let r): r / (r + s)
            case .constant(let r): exp(-s / r)
            case .gamma(let r, let cv): pow(1 + s * cv * cv / r, -1 / (cv * cv))
            }
        // Kept with probability p: the gap is a geometric number (mean 1/p) of source gaps.
        if kept < 1 { a = kept * a / (1 - (1 - kept) * a) }
        return every == 1 ? a : pow(a, Double(every))
    }
}

/// GI/M/c: c servers, each with exponential service of rate μ, fed first come, first served
/// by a renewal process of gaps with transform A*(s) (`RenewalGaps`), offered load
/// ρ = λ/(cμ) < 1. Exact (Takács 1962, in Gross & Harris's *Fundamentals of Queueing Theory*,
/// §6.2): an arrival finds n ≥ c − 1 requests with probability q_(c−1)·σ^(n−c+1), where σ in
/// (0, 1) solves σ = A*(cμ(1 − σ)); it waits with probability
///
///     P(wait) = 1 / (1 + (1 − σ) Σ_(j=1…c) C(c, j)/(C_j (1 − a_j)) · (c(1 − a_j) − j)/(c(1 − σ) − j)),
///
/// a_j = A*(jμ), C_j = Π_(i≤j) a_i/(1 − a_i); and given that it waits, its wait is exponential
/// of rate cμ(1 − σ). For Poisson arrivals σ = ρ and this is Erlang C; for one server,
/// P(wait) = σ.
public struct RenewalQueue: Sendable, Equatable {
    public let gaps: RenewalGaps
    public let servers: Int
    /// σ: the root of σ = A*(cμ(1 − σ)) in (0, 1).
    public let sigma: Double
    /// The probability that an arrival waits at all.
    public let waitProbability: Double
    /// The rate (per second) of a wait's exponential law, given that it waits: cμ(1 − σ).
    public let waitRate: Double

    /// Nil unless ρ = λ·E[S]/c < 1, E[S] > 0 and 1 ≤ c ≤ 100,000 (the formula's sum takes a
    /// term per server; beyond that, `validate` keeps Allen–Cunneen's estimate).
    public init?(gaps: RenewalGaps, servers c: Int, meanService s: Double) {
        let lambda = gaps.rate
        guard c >= 1, c <= 100_000, s > 0, s.isFinite, lambda > 0, lambda.isFinite, lambda * s < Double(c) else {
            return nil
        }
        let mu = 1 / s
        let cm = Double(c) * mu
        // excess > 0 below the root and < 0 above it (σ = 1 is the trivial root).
        func excess(_ x: Double) -> Double { gaps.transform(cm * (1 - x)) - x }
        var lo = 0.0
        var hi = 1.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if excess(mid) > 0 { lo = mid } else { hi = mid }
        }
        let sigma = (lo + hi) / 2
        guard sigma > 0, sigma < 1 else { return nil }
        self.gaps = gaps
        self.servers = c
        self.sigma = sigma
        self.waitRate = cm * (1 - sigma)
        self.waitProbability =
            c == 1 ? sigma : Self.takacs(transform: gaps.transform, servers: c, mu: mu, sigma: sigma)
    }

    /// Mean wait for a server, seconds.
    public var meanWait: Double { waitProbability / waitRate }

    /// The wait's p-quantile, seconds (0 when at least a share p of arrivals does not wait).
    public func waitQuantile(_ p: Double) -> Double {
        p <= 1 - waitProbability ? 0 : log(waitProbability / (1 - p)) / waitRate
    }

    /// Takács's probability of waiting (see the type's comment), for c ≥ 2.
    ///
    /// The sum's terms are formed in logarithms: C(c, j) and C_j both reach e^900 and more with a
    /// thousand servers. The last factor is 0/0 where c(1 − σ) = j (for Poisson arrivals at a
    /// whole number of erlangs, exactly): writing x = c(1 − σ), σ = A*(μx), it is
    /// 1 + c(A*(μx) − A*(μj))/(x − j), a divided difference of A*, taken as a central
    /// difference when x is within 10⁻⁵ of j.
    static func takacs(transform: (Double) -> Double, servers c: Int, mu: Double, sigma: Double) -> Double {
        let x = Double(c) * (1 - sigma)
        let ax = transform(mu * x)
        var logC = 0.0  // log C_j
        var logs: [Double] = []
        var signs: [Double] = []
        logs.reserveCapacity(c)
        signs.reserveCapacity(c)
        for j in 1...c {
            let jd = Double(j)
            let a = transform(mu * jd)
            // A gap's transform that underflows: 1/C_j overflows, and nothing waits.
            guard a > 0 else { return 0 }
            logC += log(a) - log1p(-a)
            let d = x - jd
            let slope: Double
            if abs(d) > 1e-5 * max(1, jd) {
                slope = (ax - a) / d
            } else {
                let h = 1e-4 * max(1, jd)
                slope = (transform(mu * (jd + h)) - transform(mu * (jd - h))) / (2 * h)
            }
            let factor = 1 + Double(c) * slope
            guard factor != 0 else { continue }
            let logBinomial = lgamma(Double(c) + 1) - lgamma(jd + 1) - lgamma(Double(c - j) + 1)
            logs.append(logBinomial - logC - log1p(-a) + log(abs(factor)))
            signs.append(factor < 0 ? -1 : 1)
        }
        guard let top = logs.max() else { return 1 }
        var scaled = 0.0  // the sum over e^top
        for (l, sign) in zip(logs, signs) { scaled += sign * exp(l - top) }
        // P = 1/(1 + (1 − σ)·e^top·scaled), without forming e^top where it would overflow.
        let logRest = log((1 - sigma) * scaled) + top
        guard scaled > 0, logRest.isFinite else { return 1 }
        return logRest > 700 ? exp(-logRest) : 1 / (1 + exp(logRest))
    }
}
