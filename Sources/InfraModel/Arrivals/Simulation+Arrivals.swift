import SimKernel
import SimRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When the arrival processes deliver their next requests.
extension Simulation {
    /// Schedules the next arrival of source `s` if it falls before the horizon.
    mutating func scheduleArrival(from s: Int32) {
        let i = Int(s)
        arrivals.sources[i].count &+= 1
        let at: SimTime
        switch arrivals.sources[i].kind {
        case .poisson:
            at =
                kernel.now
                + SimDuration(
                    seconds: Distribution.exponential(mean: 1 / arrivals.sources[i].rate).sample(
                        arrivals.sources[i].stream))
        case .constant:
            // Arrival k at k/rate, computed from k, not by adding rounded gaps, so rounding never drifts.
            at = SimTime(
                nanoseconds: Int64((Double(arrivals.sources[i].count) / arrivals.sources[i].rate * 1e9).rounded()))
        default:
            guard let t = nextVaryingArrival(i) else { return }
            at = t
        }
        if at < spec.window.horizon { kernel.schedule(.arrival(source: s), at: at) }
    }

    /// The next arrival of a gamma, MMPP2, trace or profiled Poisson source; nil when it has
    /// none before the horizon. Kept out of line: the Poisson and constant paths stay as tight
    /// as they were.
    @inline(never)
    mutating func nextVaryingArrival(_ i: Int) -> SimTime? {
        let horizon = spec.window.horizon.seconds
        let stream = arrivals.sources[i].stream
        let first = arrivals.sources[i].count == 1
        switch arrivals.sources[i].kind {
        case .gamma:
            let shape = arrivals.sources[i].a
            let scale = arrivals.sources[i].b
            // Equilibrium start: the first arrival comes after the forward recurrence time,
            // U · G with G ~ Gamma(shape + 1, scale) (a length-biased gap, cut uniformly).
            let gap =
                first
                ? stream.uniform()
                    * Distribution.gamma(mean: (shape + 1) * scale, cv: (1 / (shape + 1)).squareRoot()).sample(stream)
                : Distribution.gamma(mean: shape * scale, cv: (1 / shape).squareRoot()).sample(stream)
            arrivals.sources[i].clock += gap
            return time(arrivals.sources[i].clock, horizon)
        case .mmpp2:
            var t = arrivals.sources[i].clock
            var state = arrivals.sources[i].state
            var until = arrivals.sources[i].until
            let rates = arrivals.sources[i].rates
            let means = arrivals.sources[i].meanTimes
            if first {
                // Stationary start: state by its long-run share, remaining sojourn exponential.
                state = stream.uniform() * (means[0] + means[1]) < means[0] ? 0 : 1
                until = Distribution.exponential(mean: means[state]).sample(stream)
            }
            while true {
                if rates[state] > 0 {
                    let next = t + Distribution.exponential(mean: 1 / rates[state]).sample(stream)
                    if next < until {
                        t = next
                        break
                    }
                }
                // The state ends first: memoryless, so the overshoot is simply discarded.
                t = until
                if t >= horizon {
                    t = .infinity
                    break
                }
                state ^= 1
                until = t + Distribution.exponential(mean: means[state]).sample(stream)
            }
            arrivals.sources[i].clock = t
            arrivals.sources[i].state = state
            arrivals.sources[i].until = until
            return time(t, horizon)
        case .profiled:
            return nextProfiled(i, horizon, first)
        case .timestamps:
            let k = Int(arrivals.sources[i].count) - 1
            guard k < arrivals.sources[i].traceCount, let trace = arrivals.sources[i].trace else { return nil }
            return SimTime(nanoseconds: trace[k])
        case .counts:
            guard let trace = arrivals.sources[i].trace else { return nil }
            var left = arrivals.sources[i].left
            var bin = arrivals.sources[i].binIndex
            var u = arrivals.sources[i].position
            while left == 0 {
                bin += 1
                guard bin < arrivals.sources[i].traceCount else {
                    arrivals.sources[i].binIndex = bin
                    return nil
                }
                left = trace[bin]
                u = 0
            }
            // The smallest of `left` uniforms on [u, 1): the bin's arrivals come in order as
            // the order statistics of independent uniforms (a Poisson bin given its count).
            u += (1 - u) * (1 - pow(stream.uniformPositive(), 1 / Double(left)))
            left -= 1
            arrivals.sources[i].left = left
            arrivals.sources[i].binIndex = bin
            arrivals.sources[i].position = u
            let width = arrivals.sources[i].bin
            let offset = min(Int64((u * Double(width)).rounded(.down)), width - 1)
            return SimTime(nanoseconds: Int64(bin) * width + offset)
        case .poisson, .constant:
            return nil
        }
    }

    /// Poisson at rate × m(t) by thinning (Lewis & Shedler): candidates at rate × bound on the
    /// current segment, each kept with probability m(t)/bound. A candidate beyond the segment is
    /// discarded and the search restarts at its end (exact: exponential gaps are memoryless).
    /// Where the bound equals m(t) (steps, spikes, weekly days) no acceptance draw is needed.
    mutating func nextProfiled(_ i: Int, _ horizon: Double, _ first: Bool) -> SimTime? {
        guard let profile = spec.profile else { return nil }
        let stream = arrivals.sources[i].stream
        let rate = arrivals.sources[i].rate
        var t = arrivals.sources[i].clock
        var end = arrivals.sources[i].until
        var bound = arrivals.sources[i].bound
        if first {
            end = profile.nextBreak(after: t)
            bound = profile.bound(from: t, to: end)
        }
        while true {
            if t >= horizon {
                t = .infinity
                break
            }
            if bound > 0 {
                let next = t + Distribution.exponential(mean: 1 / (rate * bound)).sample(stream)
                if next < end {
                    t = next
                    let m = profile.multiplier(at: t)
                    if m >= bound / (1 + 1e-12) || stream.uniform() * bound < m { break }
                    continue
                }
            }
            t = end
            end = profile.nextBreak(after: t)
            bound = profile.bound(from: t, to: end)
        }
        arrivals.sources[i].clock = t
        arrivals.sources[i].until = end
        arrivals.sources[i].bound = bound
        return time(t, horizon)
    }

    /// Continuous time `t` (seconds) as an instant, nil at or after the horizon.
    @inline(__always)
    func time(_ t: Double, _ horizon: Double) -> SimTime? {
        t < horizon ? SimTime.zero + SimDuration(seconds: t) : nil
    }
}
