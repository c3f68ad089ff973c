import CGSL

#if canImport(Glibc)
import Glibc
#endif

extension Distribution {
    /// The mean of the values ``sample(_:)`` draws, in seconds; `.infinity` for a Pareto with
    /// shape ≤ 1. For `normal` this is the mean of the normal truncated at 0:
    /// μ + σ·φ(μ/σ)/Φ(μ/σ). Meaningful only for a valid distribution (``validate()`` returns nil).
    public var mean: Double {
        switch self {
        case .exponential(let mean), .lognormal(let mean, _), .gamma(let mean, _), .erlang(_, let mean):
            return mean
        case .deterministic(let value):
            return value
        case .uniform(let min, let max):
            return (min + max) / 2
        case .normal(let mu, let sd):
            return mu + sd * Distribution.inverseMillsRatio(mu / sd)
        case .weibull(let shape, let scale):
            // tgamma, not gsl_sf_gamma: a tiny shape overflows Γ to +∞ (an infinite mean, which
            // the offered-load check reports) instead of raising a GSL error.
            return scale * tgamma(1 + 1 / shape)
        case .pareto(let shape, let scale):
            return shape > 1 ? shape * scale / (shape - 1) : .infinity
        case .hyperexponential(let probabilities, let means):
            var m = 0.0
            for i in probabilities.indices { m += probabilities[i] * means[i] }
            return m
        case .empirical(let samples):
            return Distribution.average(samples)
        }
    }

    /// The variance of the values ``sample(_:)`` draws, in seconds²; `.infinity` for a Pareto with
    /// shape ≤ 2. For `normal`, the variance of the normal truncated at 0:
    /// σ²·(1 − z·λ − λ²) with z = μ/σ, λ = φ(z)/Φ(z). For `empirical`, the population variance of the
    /// samples (divisor n), which is the variance of resampling them.
    public var variance: Double {
        switch self {
        case .exponential(let mean):
            return mean * mean
        case .deterministic:
            return 0
        case .uniform(let min, let max):
            return (max - min) * (max - min) / 12
        case .normal(let mu, let sd):
            let z = mu / sd
            let lambda = Distribution.inverseMillsRatio(z)
            return sd * sd * Swift.max(0, 1 - z * lambda - lambda * lambda)
        case .lognormal(let mean, let cv), .gamma(let mean, let cv):
            return (cv * mean) * (cv * mean)
        case .weibull(let shape, let scale):
            let g1 = tgamma(1 + 1 / shape)
            let g2 = tgamma(1 + 2 / shape)
            guard g2.isFinite else { return .infinity }
            return scale * scale * Swift.max(0, g2 - g1 * g1)
        case .pareto(let shape, let scale):
            guard shape > 2 else { return .infinity }
            return scale * scale * shape / ((shape - 1) * (shape - 1) * (shape - 2))
        case .erlang(let k, let mean):
            return mean * mean / Double(k)
        case .hyperexponential(let probabilities, let means):
            var m = 0.0
            var m2 = 0.0
            for i in probabilities.indices {
                m += probabilities[i] * means[i]
                m2 += probabilities[i] * 2 * means[i] * means[i]
            }
            return Swift.max(0, m2 - m * m)
        case .empirical(let samples):
            let m = Distribution.average(samples)
            var s = 0.0
            for x in samples { s += (x - m) * (x - m) }
            return s / Double(samples.count)
        }
    }

    /// Coefficient of variation, standard deviation / mean (dimensionless): 0 when the variance is 0,
    /// `.infinity` when the variance is infinite.
    public var cv: Double {
        let v = variance
        if v == 0 { return 0 }
        if v.isInfinite { return .infinity }
        return v.squareRoot() / mean
    }

    /// φ(z)/Φ(z): the mean of a standard normal truncated below at −z, computed without cancellation.
    static func inverseMillsRatio(_ z: Double) -> Double {
        let phi = gsl_ran_ugaussian_pdf(z)
        let cdf = gsl_cdf_ugaussian_P(z)
        return cdf > 0 ? phi / cdf : -z
    }

    /// Mean of a non-empty array, summed in index order (deterministic).
    static func average(_ values: [Double]) -> Double {
        var s = 0.0
        for x in values { s += x }
        return s / Double(values.count)
    }
}

extension Distribution {
    /// The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (GSL's `gsl_cdf_ugaussian_Pinv`).
    public static func standardNormalQuantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a normal quantile needs 0 < p < 1")
        return gsl_cdf_ugaussian_Pinv(p)
    }
}
