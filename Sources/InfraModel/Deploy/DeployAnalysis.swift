import SimKernel
import SimRandom

/// How a deploy judges its new version at the end of the bake (`analysis:`), from the
/// responses the new version has given so far: their error share against `maxErrorRate`,
/// and the share slower than `latency.threshold` (time at the instance: wait + service) against
/// 1 − `latency.quantile` (a p99 within the threshold is the same as at most 1 % slower).
///
/// Each share is judged as the SLO gate judges a figure: by a confidence bound, never a point
/// value. With one-sided Wilson score bounds at `confidence`, a share whose lower bound exceeds
/// its limit fails; the version passes when every upper bound is within its limit; otherwise
/// the verdict is inconclusive and `onInconclusive` decides (a rollback by default: a version
/// that cannot show it is good is not promoted).
public struct DeployAnalysis: Sendable, Equatable {
    public var maxErrorRate: Double?
    public var latency: (quantile: Double, threshold: SimDuration)?
    public var confidence: Double
    public var onInconclusive: DeployVerdict

    public init(
        maxErrorRate: Double?, latency: (quantile: Double, threshold: SimDuration)?, confidence: Double = 0.95,
        onInconclusive: DeployVerdict = .rollBack
    ) {
        self.maxErrorRate = maxErrorRate
        self.latency = latency
        self.confidence = confidence
        self.onInconclusive = onInconclusive
    }

    public static func == (a: DeployAnalysis, b: DeployAnalysis) -> Bool {
        a.maxErrorRate == b.maxErrorRate && a.latency?.quantile == b.latency?.quantile
            && a.latency?.threshold == b.latency?.threshold && a.confidence == b.confidence
            && a.onInconclusive == b.onInconclusive
    }

    /// The verdict on `responses` responses of which `errors` were errors and `slow` (among the
    /// others) slower than the latency threshold.
    public func verdict(responses: UInt64, errors: UInt64, slow: UInt64) -> DeployJudgement {
        let z = Self.normalQuantile(confidence)
        var fails = false
        var passes = true
        if let limit = maxErrorRate {
            let (low, high) = Self.wilson(successes: errors, trials: responses, z: z)
            if low > limit { fails = true }
            if high > limit { passes = false }
        }
        if let latency {
            let (low, high) = Self.wilson(successes: slow, trials: responses - errors, z: z)
            let limit = 1 - latency.quantile
            if low > limit { fails = true }
            if high > limit { passes = false }
        }
        if fails { return .fail }
        return passes ? .pass : .inconclusive
    }

    /// One-sided Wilson score bounds of a binomial share (each at the confidence that gave z);
    /// (0, 1) when there are no trials.
    public static func wilson(successes: UInt64, trials: UInt64, z: Double) -> (low: Double, high: Double) {
        guard trials > 0 else { return (0, 1) }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    /// The standard normal quantile Φ⁻¹(p), 0 < p < 1.
    public static func normalQuantile(_ p: Double) -> Double { Distribution.standardNormalQuantile(p) }
}

/// What the analysis found: the version passes, fails, or the evidence cannot tell.
public enum DeployJudgement: Sendable, Equatable {
    case pass, fail, inconclusive
}

/// What a deploy does after its bake.
public enum DeployVerdict: String, Sendable, Equatable, CaseIterable {
    case promote
    case rollBack = "rollback"
}
