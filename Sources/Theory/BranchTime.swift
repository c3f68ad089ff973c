import SimRandom

/// The time one branch of a fan-out keeps its caller waiting (seconds), as a law: with
/// probability `zero` none at all (the call is not made, or a rate limit turns it away at once),
/// otherwise a value from `body`. ``ForkJoin`` takes the maximum of several.
///
/// Invariants: 0 ≤ `zero` ≤ 1; `mean` and `second` are E[X] and E[X²] of the whole law (the
/// atom at 0 included), `second` ≥ `mean`², either may be `.infinity`.
public struct BranchTime: Sendable, Equatable {
    /// The law of a branch's time when it takes any.
    public enum Body: Sendable, Equatable {
        /// A visit: a worker's wait, then `service`, then a constant `shift` (a region's round
        /// trip, a TLS handshake's mean cost). The wait is 0 with probability
        /// 1 − `waitProbability` and otherwise exponential with rate `waitRate` (per second): the
        /// M/M/c form, P(W > t) = C·e^{−θt}, that the queue figures' mean wait is spread over.
        case visit(service: Distribution, shift: Double, waitProbability: Double, waitRate: Double)
        /// A gamma with this mean (seconds) and squared coefficient of variation, fitted to two
        /// moments: a visit whose own calls, repeats or database nodes leave no closed law.
        /// `scv` 0 is a constant.
        case fitted(mean: Double, scv: Double)
    }

    public var zero: Double
    public var body: Body
    public var mean: Double
    public var second: Double

    /// `zero` is clamped to [0, 1] (a probability that is not a number, from a load with no
    /// requests, counts as certain: no time).
    public init(zero: Double, body: Body, mean: Double, second: Double) {
        self.zero = zero.isNaN ? 1 : Swift.min(1, Swift.max(0, zero))
        self.body = body
        self.mean = mean
        self.second = second
    }

    /// The variance of the whole law (seconds²).
    public var variance: Double { Swift.max(0, second - mean * mean) }

    /// A worker's wait of mean `wait` seconds spread over the M/M/c form: 0 with probability
    /// 1 − p, otherwise exponential with rate θ = p/`wait` (`probability` is p, taken at least
    /// 10⁻¹² when `wait` > 0, at most 1), so that E[W²] = 2·`wait`²/p.
    public static func wait(
        mean wait: Double, probability: Double
    ) -> (
        probability: Double, rate: Double, second: Double
    ) {
        guard wait > 0 else { return (0, 0, 0) }
        let p = Swift.min(1, Swift.max(probability, 1e-12))
        return (p, p / wait, 2 * wait * wait / p)
    }

    /// A branch made with probability `probability` and then repeated a geometric number of
    /// times with mean `calls` (≥ 1; each repeat after the last with probability 1 − 1/calls),
    /// each call let through with probability `pass` and then taking a time T of mean `mean`
    /// and second moment `second`, independently: X = Σ_{i ≤ N} B_i·T_i, or 0 when not made.
    /// Its positive part is `body` when every call is one visit (`calls` = 1), otherwise a gamma
    /// fitted to its conditional moments.
    public static func repeated(
        probability: Double, calls: Double, pass: Double, mean: Double, second: Double, body: Body
    ) -> BranchTime {
        let z1 = pass * mean  // E[B·T]
        let z2 = pass * second  // E[(B·T)²]
        // Geometric N on 1, 2, …: E[N] = m, E[N²] = 2m² − m.
        let n1 = calls
        let n2 = 2 * calls * calls - calls
        let sum1 = n1 * z1
        let sum2 = n1 * (z2 - z1 * z1) + n2 * z1 * z1
        let total1 = probability * sum1
        let total2 = probability * sum2
        if calls == 1 {
            return BranchTime(zero: 1 - probability * pass, body: body, mean: total1, second: total2)
        }
        // P(every call turned away) = E[(1 − pass)^N] = (1 − pass)/m / (1 − (1 − 1/m)(1 − pass)).
        let none = pass >= 1 ? 0 : (1 - pass) / calls / (1 - (1 - 1 / calls) * (1 - pass))
        let zero = 1 - probability * (1 - none)
        let positive = 1 - zero
        guard positive > 0, total1 > 0 else {
            return BranchTime(zero: 1, body: .fitted(mean: 0, scv: 0), mean: 0, second: 0)
        }
        let m = total1 / positive
        let scv = Swift.max(0, total2 / positive / (m * m) - 1)
        return BranchTime(zero: zero, body: .fitted(mean: m, scv: scv), mean: total1, second: total2)
    }
}
