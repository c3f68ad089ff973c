extension Distribution {
    /// Checks every parameter. Returns nil when the distribution is valid, otherwise a short message
    /// naming the first bad parameter and its value, e.g. `"cv must be > 0 (found -1)"`.
    ///
    /// Rules: every number is finite; means, scales, shapes, cvs and sds are > 0 (a truncated
    /// normal's location may be 0); a deterministic value and uniform/empirical values are ≥ 0;
    /// uniform needs max > min; erlang needs k ≥ 1; hyperexponential needs equal, non-empty arrays,
    /// probabilities in [0, 1] summing to 1 within 1e-9 and positive means; empirical needs at least
    /// one and at most 2³² − 1 samples.
    public func validate() -> String? {
        switch self {
        case .exponential(let mean):
            return Self.positive("mean", mean)
        case .deterministic(let value):
            return Self.nonNegative("value", value)
        case .uniform(let min, let max):
            if let e = Self.nonNegative("min", min) ?? Self.finite("max", max) { return e }
            if !(max > min) { return "max must be > min (found min \(Self.format(min)), max \(Self.format(max)))" }
            return nil
        case .normal(let mean, let sd):
            return Self.nonNegative("mean", mean) ?? Self.positive("sd", sd)
        case .lognormal(let mean, let cv), .gamma(let mean, let cv):
            return Self.positive("mean", mean) ?? Self.positive("cv", cv)
        case .weibull(let shape, let scale), .pareto(let shape, let scale):
            return Self.positive("shape", shape) ?? Self.positive("scale", scale)
        case .erlang(let k, let mean):
            if k < 1 { return "k must be >= 1 (found \(k))" }
            return Self.positive("mean", mean)
        case .hyperexponential(let probabilities, let means):
            if probabilities.isEmpty { return "probabilities must not be empty" }
            if probabilities.count != means.count {
                return
                    "probabilities and means must have the same length (found \(probabilities.count) and \(means.count))"
            }
            var sum = 0.0
            for (i, p) in probabilities.enumerated() {
                if let e = Self.finite("probabilities[\(i)]", p) { return e }
                if p < 0 || p > 1 { return "probabilities[\(i)] must be in [0, 1] (found \(Self.format(p)))" }
                sum += p
            }
            if abs(sum - 1) > 1e-9 { return "probabilities must sum to 1 (found \(Self.format(sum)))" }
            for (i, m) in means.enumerated() {
                if let e = Self.positive("means[\(i)]", m) { return e }
            }
            return nil
        case .empirical(let samples):
            if samples.isEmpty { return "samples must not be empty" }
            if samples.count > 0xFFFF_FFFF {
                return "samples must have at most 4294967295 values (found \(samples.count))"
            }
            for (i, x) in samples.enumerated() {
                if let e = Self.nonNegative("samples[\(i)]", x) { return e }
            }
            return nil
        }
    }

    static func finite(_ name: String, _ x: Double) -> String? {
        x.isFinite ? nil : "\(name) must be a finite number (found \(format(x)))"
    }

    static func positive(_ name: String, _ x: Double) -> String? {
        if let e = finite(name, x) { return e }
        return x > 0 ? nil : "\(name) must be > 0 (found \(format(x)))"
    }

    static func nonNegative(_ name: String, _ x: Double) -> String? {
        if let e = finite(name, x) { return e }
        return x >= 0 ? nil : "\(name) must be >= 0 (found \(format(x)))"
    }

    /// Formats a number for messages: integers without a trailing ".0", otherwise Swift's shortest
    /// round-trip form ("0.25", "1e-12", "nan", "inf").
    static func format(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}
