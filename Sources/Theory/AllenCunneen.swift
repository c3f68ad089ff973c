/// The Allen–Cunneen approximation of the mean wait in a G/G/c queue: the M/M/c wait (Erlang C)
/// scaled by the variability of arrivals and service, W ≈ W_{M/M/c} · (c_a² + c_s²)/2, where c_a²
/// and c_s² are the squared coefficients of variation of the interarrival and service times.
///
/// Exact for M/M/c (both 1) and, with one server, for M/G/1 (Pollaczek–Khinchine); an estimate
/// otherwise.
public enum AllenCunneen {
    /// The mean wait in the unit of `erlangC` (seconds in capsim) for the given squared
    /// coefficients of variation.
    public static func meanWait(erlangC wait: Double, arrivalSCV: Double, serviceSCV: Double) -> Double {
        wait * (arrivalSCV + serviceSCV) / 2
    }
}
