#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The external arrival process. Rates are per second, times in seconds.
public enum ArrivalProcess: Sendable, Equatable {
    /// Exponential inter-arrival times with mean 1/rate (multiplied by the workload's rate
    /// profile, if any: then a non-homogeneous Poisson process).
    case poisson(rate: Double)
    /// Arrivals exactly at k/rate, k = 1, 2, …
    case constant(rate: Double)
    /// A stationary renewal process: gamma-distributed gaps with mean 1/rate and coefficient of
    /// variation `cv` (cv = 1 is Poisson; cv > 1 is burstier, cv < 1 more regular). It starts in
    /// equilibrium (the first arrival comes after the forward recurrence time, not a full gap), so
    /// the expected count in any interval of length t is rate·t.
    case gamma(rate: Double, cv: Double)
    /// A two-state Markov-modulated Poisson process (bursts): Poisson at `rates[i]` while in state
    /// i, which lasts an exponential time of mean `meanTimes[i]` seconds before switching to the
    /// other state. Starts in its stationary state (state i with probability
    /// meanTimes[i]/Σ meanTimes).
    case mmpp2(MMPP2)
    /// Replay of a recorded trace (timestamps, or counts per bin).
    case trace(ArrivalTrace)
    /// A closed workload: a fixed population of users, each alternating between thinking and
    /// waiting for one request. The rate is not given: it is what the design lets the users
    /// do (throughput X = users / (think + response time), the interactive response time law).
    case closed(ClosedPopulation)

    /// The long-run mean rate (arrivals per second). For a trace: its arrivals over its span
    /// (use ``meanRate(over:)`` for the rate within a horizon). 0 for a closed workload, whose
    /// rate the design decides (Theory's `closedWorkload()` estimates it by MVA).
    public var rate: Double {
        switch self {
        case .poisson(let r), .constant(let r), .gamma(let r, _): r
        case .mmpp2(let m): m.meanRate
        case .trace(let t): t.meanRate(over: t.span)
        case .closed: 0
        }
    }

    /// The mean rate over `[0, horizon)` (seconds): the long-run rate, except for a trace, whose
    /// arrivals before the horizon are counted.
    public func meanRate(over horizon: Double) -> Double {
        if case .trace(let t) = self { return t.meanRate(over: horizon) }
        return rate
    }

    /// The highest rate the process reaches over `[0, horizon)`, or nil when it is stationary
    /// at a fixed rate (poisson, constant, gamma): mmpp2's higher state rate; a trace's busiest
    /// second (or bin).
    public func peakRate(over horizon: Double) -> Double? {
        switch self {
        case .poisson, .constant, .gamma, .closed: nil
        case .mmpp2(let m): m.rates.max()
        case .trace(let t): t.peakRate(over: horizon)
        }
    }

    /// True for a closed workload (users who think between requests).
    public var isClosed: Bool { if case .closed = self { true } else { false } }

    /// The YAML spelling of the process.
    public var name: String {
        switch self {
        case .poisson: "poisson"
        case .constant: "constant"
        case .gamma: "gamma"
        case .mmpp2: "mmpp2"
        case .trace: "trace"
        case .closed: "closed"
        }
    }
}

/// A two-state Markov-modulated Poisson process: in state i arrivals are Poisson at `rates[i]`
/// per second, and the state lasts an exponential time of mean `meanTimes[i]` seconds.
public struct MMPP2: Sendable, Equatable {
    public var rates: [Double]
    public var meanTimes: [Double]

    public init(rates: (Double, Double), meanTimes: (Double, Double)) {
        self.rates = [rates.0, rates.1]
        self.meanTimes = [meanTimes.0, meanTimes.1]
    }

    /// Stationary probability of each state: meanTimes[i] / Σ meanTimes.
    public var stationary: (Double, Double) {
        let total = meanTimes[0] + meanTimes[1]
        return (meanTimes[0] / total, meanTimes[1] / total)
    }

    /// Long-run arrivals per second: Σ π_i · rates[i].
    public var meanRate: Double {
        let (p0, p1) = stationary
        return p0 * rates[0] + p1 * rates[1]
    }

    /// The index of dispersion of counts, Var N(t) / E N(t), in a window of length `t` seconds
    /// for the stationary process. With switching rates r₁ = 1/meanTimes[0], r₂ = 1/meanTimes[1],
    /// r = r₁ + r₂, λ̄ = (λ₁r₂ + λ₂r₁)/r:
    ///
    ///     IDC(t) = 1 + 2 (λ₁ − λ₂)² r₁ r₂ / (λ̄ r³) · (1 − (1 − e^{−rt}) / (rt))
    ///
    /// (Heffes & Lucantoni, IEEE JSAC 4(6), 1986, eq. for the two-state MMPP; also Fischer &
    /// Meier-Hellstern, "The MMPP cookbook", Performance Evaluation 18, 1993, §3). It follows from
    /// Var N(t) = λ̄t + 2∫₀ᵗ(t − u) Cov(λ(0), λ(u)) du with the modulating chain's autocovariance
    /// Cov(λ(0), λ(u)) = π₁π₂(λ₁ − λ₂)² e^{−ru}.
    public func indexOfDispersion(window t: Double) -> Double {
        let r1 = 1 / meanTimes[0]
        let r2 = 1 / meanTimes[1]
        let r = r1 + r2
        let d = rates[0] - rates[1]
        let rt = r * t
        return 1 + 2 * d * d * r1 * r2 / (meanRate * r * r * r) * (1 + expm1(-rt) / rt)
    }
}
