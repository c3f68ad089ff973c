import CGSL

extension Distribution {
    /// Draws one value, in seconds, from `stream` (GSL samplers on `stream.rng`).
    ///
    /// Parameter conversions: exponential → mean × a standard exponential by the ziggurat method
    /// (``RandomStream/standardExponential()``, inline through `exponentialSample(_:_:)`);
    /// uniform → `gsl_ran_flat`; normal → μ + `gsl_ran_gaussian_tail(r, −μ, σ)` (a draw ≥ 0 by
    /// rejection with acceptance probability Φ(μ/σ) ≥ ½); lognormal → `gsl_ran_lognormal(r, ζ, σ)`
    /// with σ² = ln(1 + cv²), ζ = ln(mean) − σ²/2; gamma → `gsl_ran_gamma(r, 1/cv², mean·cv²)`
    /// (as ``GammaSampler``, bit for bit); weibull → `gsl_ran_weibull(r, scale, shape)`; pareto →
    /// `gsl_ran_pareto(r, shape, scale)`; erlang → `gsl_ran_gamma(r, k, mean/k)` (likewise);
    /// hyperexponential → a branch chosen by one ``RandomStream/uniform()`` then the exponential
    /// above; empirical →
    /// `samples[stream.index(below: count)]`. Deterministic draws nothing.
    ///
    /// - Precondition: ``validate()`` returns nil (not re-checked here: this is the hot path).
    ///
    /// Always inlined, as a test for the exponential (the hot case: Poisson arrivals and most
    /// service times) in front of a call for the rest: the exponential draw then costs no call,
    /// no switch over every case, and no copy of the enum out of the caller's storage.
    @inlinable @inline(__always)
    public func sample(_ stream: RandomStream) -> Double {
        if case .exponential(let mean) = self { return Self.exponentialSample(mean, stream) }
        return sampleAny(stream)
    }

    /// ``sample(_:)`` for any case, out of line.
    @inlinable @inline(never)
    func sampleAny(_ stream: RandomStream) -> Double {
        switch self {
        case .exponential(let mean):
            return Self.exponentialSample(mean, stream)
        case .deterministic(let value):
            return value
        case .uniform(let min, let max):
            return gsl_ran_flat(stream.rng, min, max)
        case .normal(let mu, let sd):
            return Swift.max(0, mu + gsl_ran_gaussian_tail(stream.rng, -mu, sd))
        case .lognormal(let mean, let cv):
            let p = Self.lognormalParameters(mean: mean, cv: cv)
            return Self.lognormalSample(zeta: p.zeta, sigma: p.sigma, stream)
        case .gamma(let mean, let cv):
            let p = Self.gammaParameters(mean: mean, cv: cv)
            return GammaSampler(shape: p.shape, scale: p.scale).sample(stream)
        case .weibull(let shape, let scale):
            return gsl_ran_weibull(stream.rng, scale, shape)
        case .pareto(let shape, let scale):
            return gsl_ran_pareto(stream.rng, shape, scale)
        case .erlang(let k, let mean):
            return GammaSampler(shape: Double(k), scale: mean / Double(k)).sample(stream)
        case .hyperexponential(let probabilities, let means):
            return Self.exponentialSample(means[Distribution.branch(probabilities, stream.uniform())], stream)
        case .empirical(let samples):
            return samples[stream.index(below: samples.count)]
        }
    }

    /// An exponential draw: `mean` times ``RandomStream/standardExponential()`` (the ziggurat,
    /// whose fast path, 97.8 % of draws, calls no logarithm). One function for every exponential capsim
    /// draws — arrivals, service, failures and repairs, the hyperexponential's branches — so a
    /// change of mean scales the same draw.
    @inlinable @inline(__always)
    static func exponentialSample(_ mean: Double, _ stream: RandomStream) -> Double {
        mean * stream.standardExponential()
    }

    /// A lognormal's ζ and σ (of the underlying normal) from its mean and cv: σ² = ln(1 + cv²),
    /// ζ = ln(mean) − σ²/2. One expression for every caller (`sample(_:)`, ``Sampler``), so
    /// their draws agree bit for bit.
    @inlinable
    static func lognormalParameters(mean: Double, cv: Double) -> (zeta: Double, sigma: Double) {
        let s2 = log1p(cv * cv)
        return (log(mean) - s2 / 2, s2.squareRoot())
    }

    /// A gamma's shape 1/cv² and scale mean·cv² (`gsl_ran_gamma`'s a and b) from its mean and cv.
    @inlinable
    static func gammaParameters(mean: Double, cv: Double) -> (shape: Double, scale: Double) {
        let c2 = cv * cv
        return (1 / c2, mean * c2)
    }

    /// `gsl_ran_lognormal(stream.rng, zeta, sigma)` computed here, bit for bit: GSL 2.7 draws
    /// u, v = −1 + 2·`gsl_rng_uniform` until 0 < r² = u² + v² ≤ 1 (the polar method), then
    /// returns exp(σ · u·√(−2 ln r² / r²) + ζ), with the same libm `log`, `sqrt` and `exp` and
    /// no fused multiply-add on either side (x86-64 without FMA). Inline, it saves the calls
    /// into GSL and back through the generator's C callback for each uniform.
    /// `DistributionTests` compare it with `gsl_ran_lognormal` draw for draw.
    @inlinable @inline(__always)
    static func lognormalSample(zeta: Double, sigma: Double, _ stream: RandomStream) -> Double {
        var u = 0.0
        var r2 = 0.0
        repeat {
            u = -1 + 2 * stream.uniform()
            let v = -1 + 2 * stream.uniform()
            r2 = u * u + v * v
        } while r2 > 1.0 || r2 == 0
        let normal = u * (-2.0 * log(r2) / r2).squareRoot()
        return exp(sigma * normal + zeta)
    }

    /// The branch whose cumulative probability first exceeds `u`; the last branch with positive
    /// probability if rounding leaves `u` beyond the total.
    @inlinable
    static func branch(_ probabilities: [Double], _ u: Double) -> Int {
        var cumulative = 0.0
        var last = 0
        for i in probabilities.indices where probabilities[i] > 0 {
            cumulative += probabilities[i]
            if u < cumulative { return i }
            last = i
        }
        return last
    }
}
