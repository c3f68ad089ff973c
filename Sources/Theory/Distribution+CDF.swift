import CGSL
import SimRandom

#if canImport(Glibc)
import Glibc
#endif

extension Distribution {
    /// P(X ≤ t) at each of `points` (seconds, ascending), for the values ``sample(_:)`` draws:
    /// the normal truncated at 0, the empirical resampling its samples. Closed forms where there
    /// are (exponential, uniform, Weibull, Pareto, hyperexponential), GSL's `gsl_cdf_*` for the
    /// normal, lognormal, gamma and Erlang, with the parameters `sample(_:)` converts to.
    ///
    /// - Precondition: ``validate()`` returns nil; `points` ascending.
    public func cumulativeProbabilities(at points: [Double]) -> [Double] {
        GSL.initialize()  // a `gsl_cdf_*` domain error must not abort the process
        switch self {
        case .exponential(let mean):
            return points.map { $0 <= 0 ? 0 : -expm1(-$0 / mean) }
        case .deterministic(let value):
            return points.map { $0 >= value ? 1 : 0 }
        case .uniform(let a, let b):
            return points.map { t in t >= b ? 1 : t <= a ? 0 : (t - a) / (b - a) }
        case .normal(let mu, let sd):
            // Truncated at 0: (Φ((t − μ)/σ) − Φ(−μ/σ)) / Φ(μ/σ), with the upper tails in Q form so
            // that a location many deviations above 0 keeps its precision.
            let kept = gsl_cdf_gaussian_P(mu, sd)
            return points.map { t in
                t <= 0 ? 0 : Swift.max(0, 1 - gsl_cdf_gaussian_Q(t - mu, sd) / kept)
            }
        case .lognormal(let mean, let cv):
            let sigma = log1p(cv * cv).squareRoot()
            let zeta = log(mean) - sigma * sigma / 2
            return points.map { $0 <= 0 ? 0 : gsl_cdf_lognormal_P($0, zeta, sigma) }
        case .gamma(let mean, let cv):
            return points.map { $0 <= 0 ? 0 : gsl_cdf_gamma_P($0, 1 / (cv * cv), mean * cv * cv) }
        case .weibull(let shape, let scale):
            return points.map { $0 <= 0 ? 0 : -expm1(-pow($0 / scale, shape)) }
        case .pareto(let shape, let scale):
            return points.map { $0 <= scale ? 0 : 1 - pow(scale / $0, shape) }
        case .erlang(let k, let mean):
            return points.map { $0 <= 0 ? 0 : gsl_cdf_gamma_P($0, Double(k), mean / Double(k)) }
        case .hyperexponential(let probabilities, let means):
            return points.map { t in
                t <= 0 ? 0 : zip(probabilities, means).reduce(0) { $0 + $1.0 * -expm1(-t / $1.1) }
            }
        case .empirical(let samples):
            // One walk over the sorted samples beside the ascending points.
            let sorted = samples.sorted()
            var below = 0
            return points.map { t in
                while below < sorted.count && sorted[below] <= t { below += 1 }
                return Double(below) / Double(sorted.count)
            }
        }
    }
}
