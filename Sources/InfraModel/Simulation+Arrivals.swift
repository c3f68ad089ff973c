import SimKernel
import SimRandom

/// When the arrival processes deliver their next requests.
extension Simulation {
    /// Schedules the next arrival of source `s` if it falls before the horizon.
    mutating func scheduleArrival(from s: Int32) {
        sources[Int(s)].count &+= 1
        let source = sources[Int(s)]
        let at: SimTime
        switch source.process {
        case .poisson(let rate):
            at = kernel.now + SimDuration(seconds: Distribution.exponential(mean: 1 / rate).sample(source.stream))
        case .constant(let rate):
            // Arrival k at k/rate, computed from k, not by adding rounded gaps, so rounding never drifts.
            at = SimTime(nanoseconds: Int64((Double(source.count) / rate * 1e9).rounded()))
        }
        if at < spec.window.horizon { kernel.schedule(.arrival(source: s), at: at) }
    }
}
