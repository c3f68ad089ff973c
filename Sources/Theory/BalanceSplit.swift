import InfraModel

/// What a station's balancing policy makes of the arrivals each instance sees, for the
/// estimates of `OfferedLoad`: the instances are not independent M/M/c queues under every
/// policy, and the waits differ by an order of magnitude between them at high load.
public enum BalanceSplit: Sendable, Equatable {
    /// Each instance its own share of the arrivals, taken as Poisson: one instance, `random`
    /// (exact: a random split of a Poisson stream is Poisson), and the policies with fixed
    /// shares (`weighted_round_robin`, `consistent_hash`; estimates).
    case independent
    /// `round_robin` over n instances: each gets every n-th arrival, whose gaps are sums of n
    /// of the source's (Erlang-n for Poisson arrivals: c_a² = 1/n, n times more regular).
    case everyNth(Int)
    /// `least_outstanding`, and `power_of_two` over two instances (it then probes both):
    /// joining the shortest queue comes close to one queue shared by all n·c workers, whose
    /// wait is a floor for it (no policy that queues at the instances does better).
    case sharedQueue(Int)
    /// `power_of_two` over more instances: `PowerOfChoices` with d = 2, in its mean-field
    /// limit (the limit of many instances; with few it waits somewhat longer).
    case choices(Int)

    /// True for `.everyNth`.
    public var isRoundRobin: Bool { if case .everyNth = self { true } else { false } }

    public init(_ station: StationSpec) {
        let n = station.instances
        guard n > 1 else {
            self = .independent
            return
        }
        switch station.balance {
        case .roundRobin: self = .everyNth(n)
        case .leastOutstanding: self = .sharedQueue(n)
        case .powerOfTwo: self = n == 2 ? .sharedQueue(n) : .choices(2)
        case .random, .weightedRoundRobin, .consistentHash: self = .independent
        }
    }

    /// Mean wait in E_k/M/1, in seconds: one worker fed every k-th arrival of a Poisson stream of
    /// λ per second, exponential service of mean E[S]. GI/M/1 (`RenewalQueue`): σ/(μ(1 − σ))
    /// where σ ∈ (0, 1) solves σ = A*(μ(1 − σ)), A*(s) = (λ/(λ + s))^k the Laplace transform of
    /// the gaps. Requires λE[S]/k < 1 (infinite otherwise).
    public static func erlangArrivalsWait(k: Int, arrivalRate lambda: Double, meanService s: Double) -> Double {
        RenewalQueue(gaps: RenewalGaps(source: .poisson(rate: lambda), every: k), servers: 1, meanService: s)?
            .meanWait ?? .infinity
    }
}
