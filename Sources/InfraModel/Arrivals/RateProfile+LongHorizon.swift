#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mean and peak of a profile over a horizon of very many diurnal segments (a one-second
/// period over a year is 1.5 billion), in time proportional to the days, not the segments.
///
/// Past the last finite breakpoint (the piecewise table's last point, the last spike's end) the
/// multiplier is c · d(t) · w(t): the piecewise table's last value, the cosine and the weekday's
/// factor. The cosine has a closed-form integral, and w is constant over each wall-clock day,
/// so that tail is summed day by day (at most about 107,000 days in nanosecond time).
extension RateProfile {
    /// Diurnal segments past which `mean(over:)` and `peak(over:)` switch to the closed form.
    static let exactSegments = 100_000.0

    /// The time from which the closed form applies, or nil when the segment walk is short
    /// enough to do exactly.
    func longTail(_ horizon: Double) -> Double? {
        guard let d = diurnal else { return nil }
        let tail = max(0, breaks.last ?? 0)
        guard horizon - tail > Self.exactSegments * d.period / Self.diurnalSteps else { return nil }
        return tail
    }

    /// The piecewise table's value after its last point (1 without a table).
    var tailLevel: Double { piecewise?.values.last ?? 1 }

    /// ∫ d(t) dt over `[a, b]`: the mean level times the length plus the cosine's exact integral.
    func diurnalIntegral(_ d: Diurnal, from a: Double, to b: Double) -> Double {
        let amplitude = (d.peak - d.trough) / 2
        let omega = 2 * Double.pi / d.period
        let offset = start - d.peakAt
        return d.mean * (b - a) + amplitude / omega * (sin(omega * (b + offset)) - sin(omega * (a + offset)))
    }

    /// The highest d(t) over `[a, b]`: the peak when a peak instant lies inside, else the higher
    /// end (between two peaks the cosine falls, then rises).
    func diurnalMaximum(_ d: Diurnal, from a: Double, to b: Double) -> Double {
        let firstPeak = ((a + start - d.peakAt) / d.period).rounded(.up) * d.period - start + d.peakAt
        return firstPeak <= b ? d.peak : max(diurnalValue(d, a), diurnalValue(d, b))
    }

    /// Calls `body` with each wall-clock day's share of `[a, b)` and that day's weekly factor
    /// (one call with factor 1 without `weekly`).
    func forEachDay(from a: Double, to b: Double, _ body: (Double, Double, Double) -> Void) {
        guard let w = weekly else { return body(a, b, 1) }
        var t = a
        while t < b {
            var midnight = (((t + start) / Self.day).rounded(.down) + 1) * Self.day - start
            if midnight <= t { midnight += Self.day }
            let e = min(midnight, b)
            body(t, e, w[weekday(t)])
            t = e
        }
    }

    /// ∫ m(t) dt over `[a, b)`, for `a` at or past the last finite breakpoint.
    func tailIntegral(from a: Double, to b: Double) -> Double {
        guard let d = diurnal else { return 0 }
        var total = 0.0
        forEachDay(from: a, to: b) { u, v, factor in total += factor * diurnalIntegral(d, from: u, to: v) }
        return tailLevel * total
    }

    /// The highest m(t) over `[a, b)`, for `a` at or past the last finite breakpoint.
    func tailPeak(from a: Double, to b: Double) -> Double {
        guard let d = diurnal else { return 0 }
        var best = 0.0
        forEachDay(from: a, to: b) { u, v, factor in best = max(best, factor * diurnalMaximum(d, from: u, to: v)) }
        return tailLevel * best
    }
}
