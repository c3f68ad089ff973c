import CGSL
import SimRandom

#if canImport(Glibc)
import Glibc
#endif

/// The LRU hit ratio predicted by Che's approximation, with and without a time to live: the
/// theory `LRUCache` is checked against and that `capsim validate` can quote beside a scenario.
///
/// Model: the independent reference model (IRM). Requests arrive at total rate λ = 1, so **time is
/// counted in requests**; key i is requested with probability pᵢ, i.e. as a Poisson process of rate
/// pᵢ. To use a TTL in seconds, multiply it by the request rate the cache sees.
///
/// Che's approximation (Che, Tung & Wang 2002, IEEE JSAC 20(7); justified and extended by Fricker,
/// Robert & Roberts 2012, "A versatile and accurate approximation for LRU cache performance",
/// ITC 24): an LRU cache of C keys behaves as if each key were evicted exactly T_C after its last
/// request, where the characteristic time T_C solves
///     Σᵢ (1 − e^(−pᵢ T_C)) = C   (the expected number of keys requested within T_C is C).
/// A request for key i is then a hit iff the previous one came less than T_C before, so
///     hit ratio = Σᵢ pᵢ (1 − e^(−pᵢ T_C)).
/// The approximation becomes exact as C grows with C/N fixed (Fricker et al.); for Zipf
/// popularity and caches of a hundred keys or more, published comparisons with simulation differ
/// by well under a percentage point.
///
/// With a TTL τ (also in requests). `LRUCache` expires lazily (an expired entry keeps its slot
/// until touched or evicted), so the recency order, and with it T_C, is exactly that of the plain
/// LRU: the TTL only turns some would-be hits into misses. Two rules, per key of rate λ, a = λT_C:
/// - **TTL from the fill, not extended by hits** (`LRUCache`'s rule). After a miss (a fill) at 0,
///   the next requests are hits while every gap stays below T_C and they come before τ; the first
///   request that fails either test is a miss and starts an identical cycle (memorylessness). By
///   renewal-reward, hit probability = E[H] / (1 + E[H]), where E[H] is the expected number of
///   hits per cycle. E[H] = f(τ), with f the expected number of requests in (0, x) reached without
///   a gap ≥ T_C, which solves the delay equation
///       f′(x) = λ                                 for x ≤ T_C,
///       f′(x) = λ (1 − e^(−a) (1 + f(x − T_C)))   for x > T_C,   f(0) = 0
///   (derived by splitting a path at its first gap longer than T_C). For τ ≤ T_C this gives
///   λτ/(1 + λτ), the classic non-reset TTL cache (Fofack, Nain, Neglia & Towsley 2012); as τ → ∞ it
///   gives e^a − 1 and so Che's 1 − e^(−a). It is solved by the method of steps: on each interval
///   of length T_C, f is a polynomial in w = λ(x − jT_C) ∈ [0, a], obtained from the previous one
///   by one integration. Its coefficient of wⁱ is at most (e^(−a))^(i−1)/i!, so the polynomial is
///   truncated at degree 24 (the dropped terms are below 10⁻²⁵ of the value), and the steps stop
///   early once f has reached its limit e^a − 1 to 10⁻¹⁵. A popular key (a ≥ 4) would take about
///   e^a/a steps to get there; after a few, its distance to the limit, g = e^a − 1 − f, which
///   solves g′(x) = −λ e^(−a) g(x − T_C), is in its slowest mode, g ∝ e^(−σx/T_C) with σ the
///   smallest root of σ e^(−σ) = a e^(−a), σ = −W₀(−a e^(−a)) (Lambert's W), and f(τ) follows in
///   closed form. (The other modes shrink by about a e^(−a)/2π per interval; after 16 steps the
///   closed form agrees with the steps carried to τ within 10⁻¹⁴ in the hit probability, checked
///   in `CacheTheoryTests` for a from 4 to 14 and τ up to 10⁶ T_C.) (The same solution written as one
///   inclusion–exclusion sum, Σₖ (−1)ᵏ e^(−ka) [μₖ^(k+1)/(k+1)! + μₖᵏ/k!] with μₖ = λ(τ − kT_C), cancels
///   catastrophically when τ ≫ T_C; the steps do not.)
/// - **TTL refreshed on every hit** (an entry lives τ after its last access): a request is a hit
///   iff the previous one came less than min(T_C, τ) before: 1 − e^(−λ min(T_C, τ)).
///
/// Large key spaces: the exact head (ranks 1…K) is summed term by term; the tail (ranks K+1…N of a
/// Zipf law) is replaced by the integral ∫_{K+½}^{N+½} g(x^(−s)/H) dx (midpoint rule, whose error
/// −(1/24)[G′] at rank K = 10⁴ is below 10⁻⁹ for the sums here), computed by 8-point Gauss–Legendre on
/// panels of width ≤ 0.1 in log x.
public enum CacheTheory {
    /// Key popularity: exact probabilities for the first ranks, and optionally a Zipf tail.
    public struct Popularity: Sendable {
        /// p₁, p₂, … of the ranks summed exactly.
        public let head: [Double]
        /// The Zipf tail beyond the head, if any: exponent s, normaliser H(N, s), last rank N.
        let tail: (exponent: Double, normaliser: Double, last: Double)?

        /// An explicit popularity vector (probabilities summing to 1).
        public init(probabilities: [Double]) {
            head = probabilities
            tail = nil
        }

        /// The popularity of a key distribution: ranks 1…min(N, exactRanks) exactly, the rest as an
        /// integral (uniform is Zipf with s = 0, whose tail integral is exact).
        public init(_ keys: KeyDistribution, exactRanks: Int = 10_000) {
            let n = keys.count
            let k = UInt64(max(1, min(UInt64(exactRanks), n)))
            head = (1...k).map { keys.probability(ofRank: $0) }
            if k == n {
                tail = nil
            } else {
                switch keys {
                case .uniform(let count):
                    tail = (0, Double(count), Double(count))
                case .zipf(let z):
                    tail = (z.exponent, z.harmonic, Double(z.count))
                }
            }
        }

        /// Number of keys N.
        public var count: Double { tail?.last ?? Double(head.count) }

        /// Σᵢ g(pᵢ) over all keys (head exactly, tail by the integral).
        func sum(_ g: (Double) -> Double) -> Double {
            var total = 0.0
            for p in head.reversed() { total += g(p) }
            guard let tail else { return total }
            let lo = log(Double(head.count) + 0.5)
            let hi = log(tail.last + 0.5)
            let panels = max(8, Int(((hi - lo) / 0.1).rounded(.up)))
            let width = (hi - lo) / Double(panels)
            var integral = 0.0
            for j in 0..<panels {
                let mid = lo + (Double(j) + 0.5) * width
                var panel = 0.0
                for q in 0..<4 {
                    for sign in [-1.0, 1.0] {
                        let t = mid + sign * 0.5 * width * Self.gaussNodes[q]
                        let x = exp(t)
                        panel += Self.gaussWeights[q] * g(exp(-tail.exponent * t) / tail.normaliser) * x
                    }
                }
                integral += panel * 0.5 * width
            }
            return total + integral
        }

        /// 8-point Gauss–Legendre on [−1, 1]: the positive nodes and their weights.
        static let gaussNodes = [0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363]
        static let gaussWeights = [0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763]
    }

    /// Che's characteristic time T_C (in requests) of an LRU cache of `capacity` keys: the root of
    /// F(T) = Σᵢ (1 − e^(−pᵢT)) = C. Infinite when every key fits (C ≥ N).
    ///
    /// F is increasing and concave with F(T) ≤ T, so Newton's method started at T = C lies below the
    /// root and climbs to it monotonically (each tangent overestimates F); it stops when a step
    /// changes T by less than 10⁻¹⁴ relative.
    public static func characteristicTime(_ popularity: Popularity, capacity: Double) -> Double {
        precondition(capacity > 0, "capacity must be > 0")
        if capacity >= popularity.count { return .infinity }
        var t = capacity
        for _ in 0..<200 {
            let f = popularity.sum { p in -expm1(-p * t) }
            let slope = popularity.sum { p in p * exp(-p * t) }
            let step = (capacity - f) / slope
            if !(step > 1e-14 * t) { break }
            t += step
        }
        return t
    }

    /// The LRU hit ratio by Che's approximation (steady state, cold misses excluded), optionally
    /// with a TTL in requests; `ttlRefreshedOnHit` picks the TTL rule (false is `LRUCache`'s).
    public static func lruHitRatio(
        _ popularity: Popularity, capacity: Double, ttl: Double? = nil, ttlRefreshedOnHit: Bool = false
    ) -> Double {
        let tc = characteristicTime(popularity, capacity: capacity)
        return popularity.sum { p in
            p * hitProbability(rate: p, characteristicTime: tc, ttl: ttl, ttlRefreshedOnHit: ttlRefreshedOnHit)
        }
    }

    /// The probability that a request for a key of rate `rate` (requests per unit time) hits, for
    /// characteristic time T_C and an optional TTL (same time unit). See the type's documentation.
    public static func hitProbability(
        rate lambda: Double, characteristicTime tc: Double, ttl: Double?, ttlRefreshedOnHit: Bool = false
    ) -> Double {
        guard let tau = ttl else { return -expm1(-lambda * tc) }
        if ttlRefreshedOnHit { return -expm1(-lambda * min(tc, tau)) }
        let hits = expectedHitsPerFill(rate: lambda, characteristicTime: tc, ttl: tau)
        return hits.isInfinite ? 1 : hits / (1 + hits)
    }

    /// Intervals of length T_C solved step by step before `expectedHitsPerFill` follows a
    /// popular key's slowest mode in closed form (see the type's documentation).
    static let exactIntervals = 16.0

    /// E[H] = f(τ) of the TTL-from-fill rule: the expected hits between two misses of one key.
    static func expectedHitsPerFill(rate lambda: Double, characteristicTime tc: Double, ttl tau: Double) -> Double {
        let b = lambda * tau
        if tau <= tc { return b }
        let a = lambda * tc
        let decay = exp(-a)
        // f′ = λ(1 − e^(−a)(1 + f)) with 0 ≤ f ≤ λτ: when e^(−a)(1 + λτ) is below rounding, f = λτ.
        if decay * (1 + b) <= 1e-17 { return b }
        let limit = expm1(a)  // e^a − 1: the hits per fill without a TTL
        let steps = (tau / tc).rounded(.down)  // whole intervals of length T_C before τ
        let wEnd = lambda * (tau - steps * tc)  // where τ falls in the last interval, in [0, a)
        let degree = 24
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * (degree + 1)) { buffer in
            // f on interval j as Σ cᵢ wⁱ, w ∈ [0, a]; interval 0: f = w. `shrink[i]` = e^(−a)/i.
            guard let c = buffer.baseAddress else { return b }
            let shrink = c + (degree + 1)
            for i in 0...degree {
                c[i] = i == 1 ? 1 : 0
                shrink[i] = i == 0 ? 0 : decay / Double(i)
            }
            func value(_ w: Double) -> Double {
                var v = 0.0
                for i in stride(from: degree, through: 0, by: -1) { v = v * w + c[i] }
                return v
            }
            var j = 0.0
            var previousEnd = -1.0
            while j < steps {
                // f at the end of interval j, x = (j + 1) T_C. f increases with x towards
                // `limit`; once the ends stop moving (at `limit` or at a rounding plateau just
                // below it) the remaining intervals change nothing.
                let end = value(a)
                if end >= limit * (1 - 1e-15) || end - previousEnd <= 1e-15 * limit { return min(end, limit) }
                if a >= 4 && j >= Self.exactIntervals {
                    // The slowest mode from here to τ: (limit − f) shrinks by e^(−σ) per interval.
                    let sigma = -gsl_sf_lambert_W0(-a * decay)
                    let remaining = (tau - (j + 1) * tc) / tc
                    return end + (limit - end) * -expm1(-sigma * remaining)
                }
                previousEnd = end
                // f_{j+1}(w) = f_j(a) + (1 − e^(−a)) w − e^(−a) Σ cᵢ w^(i+1)/(i+1).
                for i in stride(from: degree, through: 2, by: -1) { c[i] = -shrink[i] * c[i - 1] }
                c[1] = 1 - decay - decay * c[0]
                c[0] = end
                j += 1
            }
            return value(wEnd)
        }
    }
}
