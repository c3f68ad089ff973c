#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A time-varying multiplier m(t) of the base rate of every Poisson arrival process
/// (`workload.profile`): the product of its parts, each optional. Times are seconds of
/// simulated time (t = 0 at the start of a replication) unless a part says otherwise.
///
/// Sampling uses thinning against a piecewise-constant bound (``Segment``): the horizon is cut
/// at every breakpoint of every part — piecewise points, spike edges, midnights for `weekly`,
/// and a grid of 1/48 of the `diurnal` period aligned on its peak, so the cosine is monotone
/// within a segment — and the bound of a segment is the product of each part's maximum over
/// it. Within a segment every part is constant, linear or monotone, so that maximum is exact at
/// an endpoint, and the acceptance ratio m(t)/bound stays close to 1.
public struct RateProfile: Sendable, Equatable {
    public enum Interpolation: String, Sendable, CaseIterable { case linear, step }

    /// A table of (time, multiplier): linear or step between points, the first value before the
    /// first point and the last after the last.
    public struct Piecewise: Sendable, Equatable {
        public var times: [Double]
        public var values: [Double]
        public var interpolation: Interpolation
        public init(times: [Double], values: [Double], interpolation: Interpolation) {
            self.times = times
            self.values = values
            self.interpolation = interpolation
        }

        func value(at t: Double) -> Double {
            guard t > times[0] else { return values[0] }
            guard t < times[times.count - 1] else { return values[values.count - 1] }
            // Largest k with times[k] ≤ t (binary search).
            var lo = 0
            var hi = times.count - 1
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if times[mid] <= t { lo = mid } else { hi = mid }
            }
            if interpolation == .step { return values[lo] }
            let f = (t - times[lo]) / (times[lo + 1] - times[lo])
            return values[lo] + f * (values[lo + 1] - values[lo])
        }
    }

    /// A cosine daily cycle between `trough` and `peak`, highest at `peakAt` (seconds into the
    /// period, wall clock) and lowest half a period later.
    public struct Diurnal: Sendable, Equatable {
        public var peak: Double
        public var trough: Double
        public var peakAt: Double
        public var period: Double
        public init(peak: Double, trough: Double, peakAt: Double, period: Double = 86_400) {
            self.peak = peak
            self.trough = trough
            self.peakAt = peakAt
            self.period = period
        }
        /// Mean over a whole period.
        public var mean: Double { (peak + trough) / 2 }
    }

    /// `factor` × the rate during `[at, at + length)`.
    public struct Spike: Sendable, Equatable {
        public var at: Double
        public var length: Double
        public var factor: Double
        public init(at: Double, length: Double, factor: Double) {
            self.at = at
            self.length = length
            self.factor = factor
        }
    }

    /// Wall-clock seconds since Monday 00:00 at simulated time 0 (for `diurnal` and `weekly`).
    public var start: Double
    public var piecewise: Piecewise?
    public var diurnal: Diurnal?
    /// Seven multipliers, Monday to Sunday, each for its whole (wall-clock) day.
    public var weekly: [Double]?
    public var spikes: [Spike]
    /// Every finite breakpoint (piecewise times, spike edges), sorted.
    let breaks: [Double]

    public init(
        start: Double = 0, piecewise: Piecewise? = nil, diurnal: Diurnal? = nil, weekly: [Double]? = nil,
        spikes: [Spike] = []
    ) {
        self.start = start
        self.piecewise = piecewise
        self.diurnal = diurnal
        self.weekly = weekly
        self.spikes = spikes
        breaks = ((piecewise?.times ?? []) + spikes.flatMap { [$0.at, $0.at + $0.length] }).sorted()
    }

    public static func == (a: RateProfile, b: RateProfile) -> Bool {
        a.start == b.start && a.piecewise == b.piecewise && a.diurnal == b.diurnal && a.weekly == b.weekly
            && a.spikes == b.spikes
    }

    static let day = 86_400.0
    /// Diurnal segments per period.
    static let diurnalSteps = 48.0

    // MARK: the multiplier

    /// m(t), the product of the parts at simulated time `t` (seconds).
    public func multiplier(at t: Double) -> Double {
        var m = 1.0
        if let p = piecewise { m *= p.value(at: t) }
        if let d = diurnal { m *= diurnalValue(d, t) }
        if let w = weekly { m *= w[weekday(t)] }
        for s in spikes where t >= s.at && t < s.at + s.length { m *= s.factor }
        return m
    }

    func diurnalValue(_ d: Diurnal, _ t: Double) -> Double {
        let phase = (t + start - d.peakAt) / d.period
        return d.trough + (d.peak - d.trough) * (1 + cos(2 * Double.pi * (phase - phase.rounded(.down)))) / 2
    }

    func weekday(_ t: Double) -> Int {
        let days = ((t + start) / Self.day).rounded(.down)
        let k = Int(days.truncatingRemainder(dividingBy: 7))
        return k < 0 ? k + 7 : k
    }

    // MARK: segments

    /// The first breakpoint after `t` (+∞ if none): where the bound must be recomputed.
    public func nextBreak(after t: Double) -> Double {
        var next = Double.infinity
        // Smallest finite breakpoint > t.
        var lo = 0
        var hi = breaks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if breaks[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        if lo < breaks.count { next = breaks[lo] }
        if weekly != nil {
            let wall = t + start
            var midnight = ((wall / Self.day).rounded(.down) + 1) * Self.day - start
            if midnight <= t { midnight += Self.day }
            next = min(next, midnight)
        }
        if let d = diurnal {
            let step = d.period / Self.diurnalSteps
            let offset = start - d.peakAt
            var grid = (((t + offset) / step).rounded(.down) + 1) * step - offset
            if grid <= t { grid += step }
            next = min(next, grid)
        }
        return next
    }

    /// An upper bound of m(t) on `[a, b)` when no breakpoint lies strictly between: each part is
    /// constant, linear or monotone there, so its maximum is at an endpoint.
    public func bound(from a: Double, to b: Double) -> Double {
        var m = 1.0
        let end = b.isFinite ? b : a
        if let p = piecewise {
            m *= p.interpolation == .step || !b.isFinite ? p.value(at: a) : max(p.value(at: a), p.value(at: end))
        }
        if let d = diurnal { m *= max(diurnalValue(d, a), diurnalValue(d, end)) }
        if let w = weekly { m *= w[weekday(a)] }
        for s in spikes where a >= s.at && a < s.at + s.length { m *= s.factor }
        // Rounding in the parts must never let m(t) exceed the bound.
        return m * (1 + 1e-12)
    }

    /// ∫ m(t) dt over `[a, b]`, by 8-point Gauss–Legendre on every segment (exact to rounding
    /// for the polynomial parts, and to ~1e-15 for a cosine over 1/48 of its period).
    public func integral(from a: Double, to b: Double) -> Double {
        var total = 0.0
        var t = a
        while t < b {
            let e = min(nextBreak(after: t), b)
            let half = (e - t) / 2
            let mid = (e + t) / 2
            var s = 0.0
            for (x, w) in Self.gaussLegendre8 {
                s += w * (multiplier(at: mid - half * x) + multiplier(at: mid + half * x))
            }
            total += s * half
            t = e
        }
        return total
    }

    /// The mean multiplier over `[0, horizon)`.
    public func mean(over horizon: Double) -> Double {
        guard horizon > 0 else { return multiplier(at: 0) }
        guard let tail = longTail(horizon) else { return integral(from: 0, to: horizon) / horizon }
        return (integral(from: 0, to: tail) + tailIntegral(from: tail, to: horizon)) / horizon
    }

    /// The highest multiplier over `[0, horizon)` (the maximum of the segment bounds: at most
    /// a hair above the true peak when a piecewise ramp and the cosine share a segment).
    public func peak(over horizon: Double) -> Double {
        let exactEnd = longTail(horizon) ?? horizon
        var best = 0.0
        var t = 0.0
        while t < exactEnd {
            let e = nextBreak(after: t)
            best = max(best, bound(from: t, to: min(e, exactEnd)) / (1 + 1e-12))
            t = e
        }
        if exactEnd < horizon { best = max(best, tailPeak(from: exactEnd, to: horizon)) }
        return best
    }

    /// Nodes (positive half) and weights of 8-point Gauss–Legendre quadrature on [−1, 1].
    static let gaussLegendre8: [(Double, Double)] = [
        (0.1834346424956498, 0.3626837833783620),
        (0.5255324099163290, 0.3137066458778873),
        (0.7966664774136267, 0.2223810344533745),
        (0.9602898564975363, 0.1012285362903763),
    ]
}
