/// A length of simulated time in whole nanoseconds.
///
/// Durations drawn from continuous distributions (in seconds) are rounded to the nearest
/// nanosecond by `init(seconds:)`; rounding to nearest keeps the mean unbiased.
public struct SimDuration: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Rounds `seconds` to the nearest nanosecond; clamps to `[0, .max]` so a sampled value can
    /// never make time run backwards or overflow. NaN becomes zero.
    @inlinable @inline(__always) public init(seconds: Double) {
        // Adding 0.5 and truncating rounds half up for the non-negative values kept here, without
        // a call into libm's round() on the hot path.
        let ns = seconds * 1e9 + 0.5
        if ns >= 9.2e18 { nanoseconds = .max } else if ns >= 1 { nanoseconds = Int64(ns) } else { nanoseconds = 0 }
    }

    public static let zero = SimDuration(nanoseconds: 0)
    @inlinable public static func nanoseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n) }
    @inlinable public static func microseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000) }
    @inlinable public static func milliseconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000) }
    @inlinable public static func seconds(_ n: Int64) -> SimDuration { SimDuration(nanoseconds: n * 1_000_000_000) }

    /// The duration in seconds (SI base unit, for statistics and reports).
    @inlinable public var seconds: Double { Double(nanoseconds) * 1e-9 }

    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.nanoseconds < b.nanoseconds }
    /// Saturating, as `SimTime + SimDuration` is: a sum past 2^63 ns stays at "never".
    @inlinable public static func + (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds.saturatingAdd(b.nanoseconds))
    }
    @inlinable public static func - (a: SimDuration, b: SimDuration) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }
    /// Saturating at `Int64.max` / `Int64.min` instead of wrapping.
    @inlinable public static func * (a: SimDuration, k: Int64) -> SimDuration {
        let (product, overflow) = a.nanoseconds.multipliedReportingOverflow(by: k)
        guard !overflow else { return SimDuration(nanoseconds: (a.nanoseconds < 0) != (k < 0) ? .min : .max) }
        return SimDuration(nanoseconds: product)
    }

    /// Shortest exact spelling in capsim's duration units (`1500ms` prints as `1.5s` only when exact).
    public var description: String {
        let n = nanoseconds
        let units: [(Int64, String)] = [
            (86_400_000_000_000, "d"), (3_600_000_000_000, "h"), (60_000_000_000, "m"),
            (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us"),
        ]
        if n == 0 { return "0s" }
        for (size, name) in units where n % size == 0 { return "\(n / size)\(name)" }
        return "\(n)ns"
    }
}
