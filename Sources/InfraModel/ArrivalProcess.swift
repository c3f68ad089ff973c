/// The external arrival process. Rates are per second.
public enum ArrivalProcess: Sendable, Equatable {
    /// Exponential inter-arrival times with mean 1/rate.
    case poisson(rate: Double)
    /// Arrivals exactly at k/rate, k = 1, 2, …
    case constant(rate: Double)

    public var rate: Double {
        switch self { case .poisson(let r), .constant(let r): r }
    }
}
