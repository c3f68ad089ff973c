import Histogram
import SimKernel

/// A latency histogram with one fixed layout, so any two can be merged (hdrhistogram traps on
/// mismatched layouts). Values are nanoseconds from 1 ns to one hour at three significant
/// digits (relative bucket width ≤ 0.1 %); longer values are clamped to one hour and counted
/// in `clamped`.
public struct LatencyHistogram: Sendable, Codable {
    /// The largest value tracked exactly: one hour in nanoseconds.
    public static let highest: UInt64 = 3_600_000_000_000
    public private(set) var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: highest,
                                                          numberOfSignificantValueDigits: .three)
    /// Values above `highest`, recorded as `highest`.
    public private(set) var clamped: UInt64 = 0

    public init() {}

    @inlinable public var count: UInt64 { histogram.totalCount }

    public mutating func record(_ d: SimDuration) {
        var v = UInt64(Swift.max(d.nanoseconds, 0))
        if v > Self.highest { v = Self.highest; clamped &+= 1 }
        histogram.record(v)
    }

    /// The q-quantile (0 < q < 1) in seconds: the middle of the bucket holding it (which halves
    /// the bias of hdrhistogram's "highest equivalent value"). NaN when empty.
    public func quantile(_ q: Double) -> Double {
        guard count > 0 else { return .nan }
        let v = histogram.valueAtPercentile(q * 100)
        return Double(histogram.medianEquivalentForValue(v).clamped(histogram.min, histogram.max)) * 1e-9
    }

    /// Largest recorded value in seconds (exact to the bucket); NaN when empty.
    public var maximum: Double { count > 0 ? Double(histogram.max) * 1e-9 : .nan }

    /// Adds another histogram's counts. Layouts are fixed, so this cannot trap; counts are
    /// integers, so the result does not depend on merge order.
    public mutating func merge(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
        clamped += other.clamped
    }
}

extension UInt64 {
    fileprivate func clamped(_ lo: UInt64, _ hi: UInt64) -> UInt64 { Swift.min(Swift.max(self, lo), hi) }
}
