import CGSL

/// A ``Distribution`` ready to draw from many times: the constants its sampler needs, computed
/// once when the model is set up instead of at every draw.
///
/// `Distribution.sample(_:)` derives a lognormal's ζ and σ from its mean and cv (a `log1p`, a
/// `log` and a square root, ≈ 150 instructions) and a gamma's shape and scale (a division, then
/// Marsaglia and Tsang's constants: a square root and a division) on every draw; a station's
/// service is drawn once per visit, so the model keeps a `Sampler` for it. Draws are the same as
/// `distribution.sample(stream)`, bit for bit: both take the constants from the same functions
/// (`Distribution.lognormalParameters`, `gammaParameters`), and `SamplerTests` compare the two
/// draw for draw.
public struct Sampler: Sendable {
    /// The distribution drawn from.
    public let distribution: Distribution
    /// The distribution's sampling constants (plain numbers: a copy costs loads only).
    public let form: Form

    /// The distribution's sampling constants, for the cases that have any worth keeping.
    public enum Form: Sendable {
        case exponential(mean: Double)
        case lognormal(zeta: Double, sigma: Double)
        /// A gamma's or an Erlang's (`gsl_ran_gamma(r, shape, scale)`, bit for bit).
        case gamma(GammaSampler)
        /// Anything else: drawn through `Distribution.sample(_:)`.
        case other
    }

    public init(_ distribution: Distribution) {
        self.distribution = distribution
        switch distribution {
        case .exponential(let mean):
            form = .exponential(mean: mean)
        case .lognormal(let mean, let cv):
            let p = Distribution.lognormalParameters(mean: mean, cv: cv)
            form = .lognormal(zeta: p.zeta, sigma: p.sigma)
        case .gamma(let mean, let cv):
            let p = Distribution.gammaParameters(mean: mean, cv: cv)
            form = .gamma(GammaSampler(shape: p.shape, scale: p.scale))
        case .erlang(let k, let mean):
            form = .gamma(GammaSampler(shape: Double(k), scale: mean / Double(k)))
        default:
            form = .other
        }
    }

    /// One draw, in seconds: `distribution.sample(stream)`, bit for bit. The exponential is
    /// drawn inline, the lognormal and gamma by a call with their constants only; just the
    /// remaining cases touch `distribution` (copying it out of the model's storage costs a call
    /// to its value witness, as its cases may hold arrays).
    @inlinable @inline(__always)
    public func sample(_ stream: RandomStream) -> Double {
        Self.sample(form, stream) ?? distribution.sampleAny(stream)
    }

    /// `sample(stream)` for the forms that need nothing but their constants; nil for `.other`.
    /// For a caller that reaches its sampler through a pointer into the model's state: given
    /// the whole sampler, the optimiser copies `distribution` (a call to its value witness
    /// before the draw and one after, whatever the form) to keep it alive across the stream's
    /// calls; given the form, it loads two numbers.
    @inlinable @inline(__always)
    public static func sample(_ form: Form, _ stream: RandomStream) -> Double? {
        switch form {
        case .exponential(let mean): Distribution.exponentialSample(mean, stream)
        case .lognormal(let zeta, let sigma): lognormal(zeta: zeta, sigma: sigma, stream)
        case .gamma(let sampler): gamma(sampler, stream)
        case .other: nil
        }
    }

    @inlinable @inline(never)
    static func lognormal(zeta: Double, sigma: Double, _ stream: RandomStream) -> Double {
        Distribution.lognormalSample(zeta: zeta, sigma: sigma, stream)
    }

    @inlinable @inline(never)
    static func gamma(_ sampler: GammaSampler, _ stream: RandomStream) -> Double {
        sampler.sample(stream)
    }
}
