/// A probability distribution of a non-negative duration, in **seconds**.
///
/// Cases are parameterised the way people state them (a mean and a coefficient of variation rather
/// than log-space or shape/rate parameters); the conversion to GSL's parameters happens in
/// ``sample(_:)``. Every parameter is in seconds unless it is a shape, a cv, a count or a
/// probability. Call ``validate()`` before sampling: sampling assumes valid parameters.
///
/// ``mean`` and ``variance`` are the exact moments of what ``sample(_:)`` draws (for `normal`, of the
/// normal *truncated at 0*), `.infinity` where a moment diverges.
public enum Distribution: Equatable, Sendable {
    /// Exponential with the given mean (seconds); rate = 1/mean. cv = 1.
    case exponential(mean: Double)
    /// Always `value` seconds; draws no random numbers.
    case deterministic(value: Double)
    /// Uniform on [min, max) seconds.
    case uniform(min: Double, max: Double)
    /// A normal with location `mean` and standard deviation `sd` (seconds) **truncated at 0**: values
    /// below 0 are never produced (sampled from the tail, not by clamping or an open-ended loop).
    /// Its ``Distribution/mean`` and ``Distribution/variance`` are those of the truncated distribution.
    case normal(mean: Double, sd: Double)
    /// Lognormal with the given mean (seconds) and coefficient of variation.
    case lognormal(mean: Double, cv: Double)
    /// Gamma with the given mean (seconds) and coefficient of variation (shape = 1/cv²).
    case gamma(mean: Double, cv: Double)
    /// Weibull with shape k and scale λ (seconds): P(X > x) = exp(−(x/λ)^k).
    case weibull(shape: Double, scale: Double)
    /// Pareto (type I) with shape α and scale = minimum value x_m (seconds): P(X > x) = (x_m/x)^α for
    /// x ≥ x_m. The mean is infinite for α ≤ 1, the variance for α ≤ 2.
    case pareto(shape: Double, scale: Double)
    /// Erlang: the sum of `k` exponentials whose total has the given mean (seconds); cv = 1/√k.
    case erlang(k: Int, mean: Double)
    /// Hyperexponential: with probability `probabilities[i]`, an exponential with mean `means[i]`
    /// (seconds). The arrays have equal, non-zero lengths; the probabilities sum to 1.
    case hyperexponential(probabilities: [Double], means: [Double])
    /// Resamples uniformly from the given values (seconds), each with probability 1/count.
    case empirical(samples: [Double])

    /// A two-branch hyperexponential with balanced means (p₁·m₁ = p₂·m₂ = mean/2) and the given mean
    /// (seconds) and coefficient of variation.
    ///
    /// Needs `mean > 0` and `cv ≥ 1` (cv = 1 gives two identical exponential branches). For other
    /// arguments the returned parameters are not finite or not positive and ``validate()`` rejects
    /// them; check `cv >= 1` first to report the problem in these terms.
    public static func hyperexponential(mean: Double, cv: Double) -> Distribution {
        let c2 = cv * cv
        let r = ((c2 - 1) / (c2 + 1)).squareRoot()
        let p1 = (1 + r) / 2
        let p2 = (1 - r) / 2
        return .hyperexponential(probabilities: [p1, p2], means: [mean / (2 * p1), mean / (2 * p2)])
    }

    /// The scenario-language (YAML) spelling of the case: `"exponential"`, `"lognormal"`, ….
    public var name: String {
        switch self {
        case .exponential: "exponential"
        case .deterministic: "deterministic"
        case .uniform: "uniform"
        case .normal: "normal"
        case .lognormal: "lognormal"
        case .gamma: "gamma"
        case .weibull: "weibull"
        case .pareto: "pareto"
        case .erlang: "erlang"
        case .hyperexponential: "hyperexponential"
        case .empirical: "empirical"
        }
    }

    /// Every spelling ``name`` can return, in declaration order.
    public static let names: [String] = [
        "exponential", "deterministic", "uniform", "normal", "lognormal", "gamma",
        "weibull", "pareto", "erlang", "hyperexponential", "empirical",
    ]
}
