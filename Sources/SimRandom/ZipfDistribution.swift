import CGSL

/// A Zipf (discrete power-law) distribution over the ranks 1…N: P(k) = k^(−s) / H(N, s), where
/// H(N, s) = Σ_{k=1}^{N} k^(−s) is the generalised harmonic number. Rank 1 is the most popular.
///
/// Why this sampler: cache keys follow Zipf over millions to billions of keys, and GSL has no Zipf
/// sampler. A cumulative table would cost O(N) memory and set-up; rejection-inversion (Hörmann &
/// Derflinger 1996, "Rejection-inversion to generate variates from monotone discrete
/// distributions", ACM TOMACS 6(3)) needs a handful of constants, O(1) set-up and an expected O(1)
/// draws per variate, for any exponent s ≥ 0 (s = 0 is uniform, s = 1 needs no special case). The
/// code follows Apache Commons RNG's `RejectionInversionZipfSampler` step for step.
///
/// How it works: h(x) = x^(−s) is a continuous hat over the pmf's unnormalised weights; its integral
/// H(x) = (x^(1−s) − 1)/(1 − s) (log x when s = 1) is inverted at a uniform point of
/// (H(1.5) − 1, H(N + 0.5)] and rounded to the nearest rank k. The draw is accepted when it falls
/// under the weight of k (`u ≥ H(k + 0.5) − h(k)`), or at once when k is close enough to the
/// inverse (`k − x ≤ squeeze`, a precomputed test that needs no logarithm). The acceptance rate is
/// high (above 0.9 for every s), so a draw costs about one uniform, one `log1p` and one `exp`.
///
/// A plain value type: the constants are computed once in `init` and a draw allocates nothing.
/// Sampling assumes valid parameters: check ``validate()`` first (invalid parameters do not trap in
/// `init`; they give meaningless constants).
public struct ZipfDistribution: Equatable, Sendable, CustomStringConvertible {
    /// The exponent s ≥ 0 (0: uniform; web-object popularity is typically 0.6–1.2).
    public let exponent: Double
    /// The number of ranks N (1 ≤ N ≤ ``maxCount``).
    public let count: UInt64
    /// N as a Double (exact: N ≤ 2⁵³).
    @usableFromInline let n: Double
    /// H(1.5) − h(1) = H(1.5) − 1: the lower end of the inversion interval.
    @usableFromInline let hIntegralX1: Double
    /// H(N + 0.5): the upper end of the inversion interval.
    @usableFromInline let hIntegralN: Double
    /// The squeeze: a rounded inverse k with k − x ≤ squeeze is accepted without evaluating H(k + 0.5).
    @usableFromInline let squeeze: Double
    /// The normaliser H(N, s) = Σ_{k=1}^{N} k^(−s) (see ``generalizedHarmonic(_:exponent:)``).
    public let harmonic: Double

    /// The largest supported N: ranks are computed in Double, exact up to 2⁵³.
    public static let maxCount: UInt64 = 1 << 53

    /// Precomputes the sampler's constants and the normaliser H(N, s): O(1), about a microsecond.
    public init(exponent: Double, count: UInt64) {
        self.exponent = exponent
        self.count = count
        n = Double(count)
        hIntegralX1 = Self.hIntegral(1.5, exponent) - 1
        hIntegralN = Self.hIntegral(n + 0.5, exponent)
        squeeze = 2 - Self.hIntegralInverse(Self.hIntegral(2.5, exponent) - Self.h(2, exponent), exponent)
        harmonic = Self.generalizedHarmonic(count, exponent: exponent)
    }

    /// Checks the parameters: nil when valid, otherwise a message naming the first bad one, e.g.
    /// `"exponent must be >= 0 (found -1)"`. Rules: the exponent is finite and ≥ 0; 1 ≤ count ≤ 2⁵³.
    public func validate() -> String? {
        if let e = Distribution.nonNegative("exponent", exponent) { return e }
        return Self.validateCount(count)
    }

    static func validateCount(_ count: UInt64) -> String? {
        if count < 1 { return "count must be >= 1 (found 0)" }
        if count > maxCount { return "count must be <= 9007199254740992 (found \(count))" }
        return nil
    }

    /// One rank in 1…N, drawn from `stream` (consumes two words — one ``RandomStream/uniform()`` —
    /// per trial; the expected number of trials is below 1.1).
    /// - Precondition: ``validate()`` returns nil (not re-checked: this is the hot path).
    @inlinable
    public func sample(_ stream: RandomStream) -> UInt64 {
        while true {
            // uniform() ∈ [0, 1), so u ∈ (hIntegralX1, hIntegralN].
            let u = hIntegralN + stream.uniform() * (hIntegralX1 - hIntegralN)
            let x = Self.hIntegralInverse(u, exponent)
            var k = (x + 0.5).rounded(.down)
            if k < 1 { k = 1 } else if k > n { k = n }
            if k - x <= squeeze || u >= Self.hIntegral(k + 0.5, exponent) - Self.h(k, exponent) {
                return UInt64(k)
            }
        }
    }

    /// P(rank = k) = k^(−s) / H(N, s); 0 outside 1…N.
    public func probability(ofRank k: UInt64) -> Double {
        guard k >= 1, k <= count else { return 0 }
        return Self.h(Double(k), exponent) / harmonic
    }

    public var description: String { "zipf(exponent: \(exponent), count: \(count))" }

    public static func == (a: ZipfDistribution, b: ZipfDistribution) -> Bool {
        a.exponent == b.exponent && a.count == b.count
    }

    // MARK: The hat function and its integral (Commons RNG's names)

    /// h(x) = x^(−s).
    @inlinable @inline(__always)
    static func h(_ x: Double, _ s: Double) -> Double { exp(-s * log(x)) }

    /// H(x) = ∫_1^x t^(−s) dt = (x^(1−s) − 1)/(1 − s), written as expm1(y)/y · log x with
    /// y = (1 − s) log x, which is accurate for s at or near 1 (where it tends to log x).
    @inlinable @inline(__always)
    static func hIntegral(_ x: Double, _ s: Double) -> Double {
        let logX = log(x)
        return expm1OverX((1 - s) * logX) * logX
    }

    /// The inverse of ``hIntegral(_:_:)``: exp(log1p(t)/t · x) with t = x(1 − s), clamped at −1
    /// (rounding can push t just below −1 near the lower end of the interval).
    @inlinable @inline(__always)
    static func hIntegralInverse(_ x: Double, _ s: Double) -> Double {
        var t = x * (1 - s)
        if t < -1 { t = -1 }
        return exp(log1pOverX(t) * x)
    }

    /// log1p(x)/x, by its Taylor series near 0 (where the quotient loses precision).
    @inlinable @inline(__always)
    static func log1pOverX(_ x: Double) -> Double {
        if abs(x) > 1e-8 { return log1p(x) / x }
        return 1 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }

    /// expm1(x)/x, by its Taylor series near 0.
    @inlinable @inline(__always)
    static func expm1OverX(_ x: Double) -> Double {
        if abs(x) > 1e-8 { return expm1(x) / x }
        return 1 + x * 0.5 * (1 + x * (1.0 / 3.0) * (1 + 0.25 * x))
    }

    // MARK: The normaliser

    /// The generalised harmonic number H(n, s) = Σ_{k=1}^{n} k^(−s), for n ≥ 0 and s ≥ 0.
    ///
    /// For n ≤ 32 the terms are summed directly (smallest first). Above, the first 31 terms are
    /// summed and the tail Σ_{k=32}^{n} k^(−s) comes from the Euler–Maclaurin formula with the
    /// B₂, B₄, B₆ corrections:
    ///   ∫_{32}^{n} x^(−s) dx + (f(32) + f(n))/2 + Σ_{j=1}^{3} B_{2j}/(2j)! (f^(2j−1)(n) − f^(2j−1)(32)).
    /// f(x) = x^(−s) has derivatives of alternating sign, so the remainder is smaller than the first
    /// neglected term, |B₈/8! · f⁽⁷⁾(32)| = 8.3·10⁻⁷ · s(s+1)…(s+6) · 32^(−s−7): below 10⁻¹⁴ for every
    /// s ≥ 0 (largest, ≈ 5·10⁻¹⁵, near s = 0.5; 0 at s = 0, where the formula is exact). Relative to
    /// H ≥ 1 that is the accuracy, plus a few ulps of rounding: H is good to about 10⁻¹⁴ relative.
    /// The integral is written as 32^(1−s) · expm1(y)/y · log(n/32), y = (1 − s) log(n/32), so s at or
    /// near 1 needs no special case. Cost: about 35 `exp`/`log` pairs, whatever n.
    public static func generalizedHarmonic(_ n: UInt64, exponent s: Double) -> Double {
        let m: UInt64 = 32
        if n <= m {
            var sum = 0.0
            var k = n
            while k >= 1 {
                sum += h(Double(k), s)
                k -= 1
            }
            return sum
        }
        var head = 0.0
        for k in stride(from: m - 1, through: 1, by: -1) { head += h(Double(k), s) }
        let a = Double(m)
        let b = Double(n)
        let logRatio = log(b / a)
        let integral = h(a, s) * a * expm1OverX((1 - s) * logRatio) * logRatio
        let ends = (h(a, s) + h(b, s)) / 2
        // f'(x) = −s x^(−s−1); f'''(x) = −s(s+1)(s+2) x^(−s−3); f⁽⁵⁾(x) = −s(s+1)(s+2)(s+3)(s+4) x^(−s−5).
        func d1(_ x: Double) -> Double { -s * h(x, s) / x }
        func d3(_ x: Double) -> Double { -s * (s + 1) * (s + 2) * h(x, s) / (x * x * x) }
        func d5(_ x: Double) -> Double {
            -s * (s + 1) * (s + 2) * (s + 3) * (s + 4) * h(x, s) / (x * x * x * x * x)
        }
        // B₂/2! = 1/12, B₄/4! = −1/720, B₆/6! = 1/30240.
        let corrections = (d1(b) - d1(a)) / 12 - (d3(b) - d3(a)) / 720 + (d5(b) - d5(a)) / 30240
        return head + (integral + ends + corrections)
    }
}
