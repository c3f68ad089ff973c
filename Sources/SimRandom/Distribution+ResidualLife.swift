import CGSL

/// Residual life: how long a period of this length distribution still lasts when it is
/// observed at a random instant of a long renewal process (the equilibrium distribution
/// F_e(x) = (1/m)∫₀ˣ (1 − F(u)) du). An instant falls in a period with probability proportional
/// to its length, so the period seen is *length-biased* (density x·f(x)/m) and the instant is
/// uniform within it: residual = L·U, age = L·(1 − U). This is how a failure process starts in
/// its stationary state.
extension Distribution {
    /// True when `lengthBiasedSample` is exact for this family.
    public var supportsResidualLife: Bool {
        switch self {
        case .exponential, .deterministic, .uniform, .gamma, .erlang, .lognormal, .weibull: true
        default: false
        }
    }

    /// A period as seen from a random instant (density x·f(x)/mean), in seconds:
    /// exponential(m) → Gamma(2, m); gamma(k, θ) → Gamma(k + 1, θ); lognormal(ζ, σ) →
    /// lognormal(ζ + σ², σ); Weibull(k, λ) → Y^(1/k) with Y ~ Gamma(1 + 1/k, λ^k) (since X^k is
    /// exponential); uniform(a, b) → √(a² + u(b² − a²)); deterministic → itself.
    /// - Precondition: `supportsResidualLife`.
    public func lengthBiasedSample(_ stream: RandomStream) -> Double {
        switch self {
        case .exponential(let mean):
            return GammaSampler(shape: 2, scale: mean).sample(stream)
        case .deterministic(let value):
            return value
        case .uniform(let a, let b):
            return (a * a + stream.uniform() * (b * b - a * a)).squareRoot()
        case .gamma(let mean, let cv):
            let c2 = cv * cv
            return GammaSampler(shape: 1 / c2 + 1, scale: mean * c2).sample(stream)
        case .erlang(let k, let mean):
            return GammaSampler(shape: Double(k) + 1, scale: mean / Double(k)).sample(stream)
        case .lognormal(let mean, let cv):
            let s2 = log1p(cv * cv)
            return gsl_ran_lognormal(stream.rng, log(mean) - s2 / 2 + s2, s2.squareRoot())
        case .weibull(let shape, let scale):
            return pow(GammaSampler(shape: 1 + 1 / shape, scale: pow(scale, shape)).sample(stream), 1 / shape)
        default:
            preconditionFailure("no exact length-biased draw for \(self)")
        }
    }
}
