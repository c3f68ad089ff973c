import SimKernel
import SimRandom

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When the arrival processes deliver their next requests: a value computation over the
/// sources' own state and streams, given the clock, the horizon and the rate profile. The
/// router (`Simulation.scheduleArrival`) schedules what it returns.
extension Arrivals {
    /// The time of source i's next arrival, or nil when it has none before `horizon`.
    mutating func next(from i: Int, now: SimTime, horizon: SimTime, profile: RateProfile?) -> SimTime? {
        if sources[i].kind == .poisson { return nextPoisson(from: i, now: now, horizon: horizon) }
        sources[i].count &+= 1
        let at: SimTime
        if sources[i].kind == .constant {
            // Arrival k at k/rate, computed from k, not by adding rounded gaps, so rounding never drifts.
            at = SimTime(
                nanoseconds: Int64(saturatingRounded: Double(sources[i].count) / sources[i].rate * 1e9))
        } else {
            guard let t = nextVaryingArrival(i, horizon: horizon.seconds, profile: profile) else { return nil }
            at = t
        }
        return at < horizon ? at : nil
    }

    /// The next arrival of a (plain) Poisson source, or nil when it has none before `horizon`:
    /// `next` for the commonest source, inlined where the router schedules arrivals (which
    /// then copies no rate profile and makes no call per arrival).
    @inline(__always)
    mutating func nextPoisson(from i: Int, now: SimTime, horizon: SimTime) -> SimTime? {
        sources[i].count &+= 1
        let at =
            now + SimDuration(seconds: Distribution.exponential(mean: sources[i].meanGap).sample(sources[i].stream))
        return at < horizon ? at : nil
    }

    /// The next arrival of a gamma, MMPP2, trace or profiled Poisson source; nil when it has
    /// none before the horizon. Kept out of line: the Poisson and constant paths stay as tight
    /// as they were.
    @inline(never)
    mutating func nextVaryingArrival(_ i: Int, horizon: Double, profile: RateProfile?) -> SimTime? {
        let stream = sources[i].stream
        let first = sources[i].count == 1
        switch sources[i].kind {
        case .gamma:
            let shape = sources[i].a
            let scale = sources[i].b
            // Equilibrium start: the first arrival comes after the forward recurrence time,
            // U · G with G ~ Gamma(shape + 1, scale) (a length-biased gap, cut uniformly).
            let gap =
                first
                ? stream.uniform()
                    * Distribution.gamma(mean: (shape + 1) * scale, cv: (1 / (shape + 1)).squareRoot()).sample(stream)
                : Distribution.gamma(mean: shape * scale, cv: (1 / shape).squareRoot()).sample(stream)
            sources[i].clock += gap
            return time(sources[i].clock, horizon)
        case .mmpp2:
            var t = sources[i].clock
            var state = sources[i].state
            var until = sources[i].until
            let rates = sources[i].rates
            let means = sources[i].meanTimes
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
            sources[i].clock = t
            sources[i].state = state
            sources[i].until = until
            return time(t, horizon)
        case .profiled:
            return nextProfiled(i, horizon, first, profile)
        case .timestamps:
            let k = Int(sources[i].count) - 1
            guard k < sources[i].traceCount, let trace = sources[i].trace else { return nil }
            return SimTime(nanoseconds: trace[k])
        case .counts:
            guard let trace = sources[i].trace else { return nil }
            var left = sources[i].left
            var bin = sources[i].binIndex
            var u = sources[i].position
            while left == 0 {
                bin += 1
                guard bin < sources[i].traceCount else {
                    sources[i].binIndex = bin
                    return nil
                }
                left = trace[bin]
                u = 0
            }
            // The smallest of `left` uniforms on [u, 1): the bin's arrivals come in order as
            // the order statistics of independent uniforms (a Poisson bin given its count).
            u += (1 - u) * (1 - pow(stream.uniformPositive(), 1 / Double(left)))
            left -= 1
            sources[i].left = left
            sources[i].binIndex = bin
            sources[i].position = u
            let width = sources[i].bin
            let offset = min(Int64((u * Double(width)).rounded(.down)), width - 1)
            // A bin that starts beyond the end of time (a bin of centuries) saturates at "never",
            // after every horizon.
            return SimTime(nanoseconds: Int64(bin).saturatingMultiply(width).saturatingAdd(offset))
        case .poisson, .constant:
            return nil
        }
    }

    /// Poisson at rate × m(t) by thinning (Lewis & Shedler): candidates at rate × bound on the
    /// current segment, each kept with probability m(t)/bound. A candidate beyond the segment is
    /// discarded and the search restarts at its end (exact: exponential gaps are memoryless).
    /// Where the bound equals m(t) (steps, spikes, weekly days) no acceptance draw is needed.
    mutating func nextProfiled(_ i: Int, _ horizon: Double, _ first: Bool, _ profile: RateProfile?) -> SimTime? {
        guard let profile else { return nil }
        let stream = sources[i].stream
        let rate = sources[i].rate
        var t = sources[i].clock
        var end = sources[i].until
        var bound = sources[i].bound
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
        sources[i].clock = t
        sources[i].until = end
        sources[i].bound = bound
        return time(t, horizon)
    }

    /// Continuous time `t` (seconds) as an instant, nil at or after the horizon.
    @inline(__always)
    func time(_ t: Double, _ horizon: Double) -> SimTime? {
        t < horizon ? SimTime.zero + SimDuration(seconds: t) : nil
    }
}

extension Simulation {
    /// Schedules the next arrival of source `s` if it falls before the horizon.
    @inline(__always)
    mutating func scheduleArrival(from s: Int32) {
        let horizon = spec.window.horizon
        let at =
            arrivals.sources[Int(s)].kind == .poisson
            ? arrivals.nextPoisson(from: Int(s), now: kernel.now, horizon: horizon)
            : arrivals.next(from: Int(s), now: kernel.now, horizon: horizon, profile: spec.profile)
        if let at { kernel.schedule(.arrival(source: s), at: at) }
    }
}
