#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A map from data values to pixels along one axis of a chart, linear or logarithmic (base 10),
/// with the ticks a reader needs. Domains are widened to round numbers (a multiple of the tick
/// step, or whole decades), so the first and last ticks sit on the axis ends.
public struct PlotScale: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case linear
        case log
    }

    public let kind: Kind
    /// The data values at the two ends of the axis (both > 0 on a log scale).
    public let low: Double
    public let high: Double
    /// The pixels `low` and `high` map to (`to` may be smaller than `from`: a y axis grows up).
    public let from: Double
    public let to: Double

    public init(kind: Kind, low: Double, high: Double, from: Double, to: Double) {
        precondition(
            high > low && (kind == .linear || low > 0), "a scale needs low < high (and low > 0 on a log scale)")
        self.kind = kind
        self.low = low
        self.high = high
        self.from = from
        self.to = to
    }

    /// A linear scale covering `values` (non-finite ones ignored), widened to multiples of a
    /// 1-2-5 step; from 0 when `zero` and every value is positive. A single value or none gets a
    /// unit-wide domain around it.
    public static func linear(covering values: [Double], from: Double, to: Double, zero: Bool = false) -> PlotScale {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if zero { low = min(low, 0) }
        if zero && high < 0 { high = 0 }
        if high - low <= abs(high) * 1e-9 {
            let pad = high == 0 ? 1 : abs(high) * 0.1
            // From zero, a flat series of non-negative values stays above the axis.
            low = zero && low >= 0 ? 0 : low - pad
            high += pad
        }
        let step = niceStep((high - low) / 5)
        return PlotScale(
            kind: .linear, low: (low / step).rounded(.down) * step, high: (high / step).rounded(.up) * step,
            from: from, to: to)
    }

    /// A log scale covering the positive finite `values`, widened to whole decades.
    public static func log(covering values: [Double], from: Double, to: Double) -> PlotScale {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        var low = (log10(positive.min() ?? 1)).rounded(.down)
        var high = (log10(positive.max() ?? 10)).rounded(.up)
        if high <= low { high = low + 1 }
        if low < -300 { low = -300 }
        return PlotScale(kind: .log, low: pow10(low), high: pow10(high), from: from, to: to)
    }

    /// The pixel of a data value (on a log scale, values ≤ 0 go to the low end).
    public func callAsFunction(_ v: Double) -> Double {
        let t: Double
        switch kind {
        case .linear: t = (v - low) / (high - low)
        case .log: t = (log10(max(v, low * 1e-3)) - log10(low)) / (log10(high) - log10(low))
        }
        return from + t * (to - from)
    }

    /// Whether a value lies on the axis (a log scale has no place for 0 or less).
    public func contains(_ v: Double) -> Bool {
        v.isFinite && v >= low * (1 - 1e-12) && v <= high * (1 + 1e-12) && (kind == .linear || v > 0)
    }

    /// The labelled ticks: every step of a linear scale; every decade of a log scale (with 2
    /// and 5 between them when it spans a single decade, every other decade past ten).
    public var ticks: [Double] {
        switch kind {
        case .linear:
            let step = Self.niceStep((high - low) / 5)
            let count = Int(((high - low) / step).rounded())
            return (0...count).map { low + Double($0) * step }
        case .log:
            let first = Int(log10(low).rounded())
            let last = Int(log10(high).rounded())
            if last - first == 1 { return [1, 2, 5, 10].map { Self.pow10(Double(first)) * $0 } }
            let stride = last - first > 10 ? 2 : 1
            return Swift.stride(from: first, through: last, by: stride).map { Self.pow10(Double($0)) }
        }
    }

    /// The 1-2-5 number at or above `raw`: 0.1, 0.2, 0.5, 1, 2, 5, 10…
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let decade = pow10(log10(raw).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * decade >= raw * (1 - 1e-9) { return m * decade }
        return 10 * decade
    }

    /// 10^e by multiplication from an exact power, so ticks are the same doubles everywhere
    /// (no platform `pow`); `e` is whole.
    static func pow10(_ e: Double) -> Double {
        var r = 1.0
        let n = Int(abs(e))
        for _ in 0..<n { r *= 10 }
        return e < 0 ? 1 / r : r
    }
}
