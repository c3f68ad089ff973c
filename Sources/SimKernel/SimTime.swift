/// A point in simulated time: whole nanoseconds since the start of a replication.
///
/// Time is an integer so that event order never depends on floating-point rounding, and so that
/// the same scenario gives the same trajectory on every machine. 2^63 ns is about 292 years,
/// far beyond any horizon capsim accepts.
///
/// An instant and a duration are different types: `SimTime + SimDuration → SimTime`,
/// `SimTime − SimTime → SimDuration`; adding two instants does not compile.
public struct SimTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the start of the replication (never negative in a run).
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The start of every replication.
    public static let zero = SimTime(nanoseconds: 0)
    /// Later than any event a run schedules; used for "run until the queue is empty".
    public static let distantFuture = SimTime(nanoseconds: .max)

    /// Seconds since the start, for reporting (SI base units).
    @inlinable public var seconds: Double { Double(nanoseconds) * 1e-9 }

    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Saturates at `distantFuture` (and at `Int64.min` below): a duration that would carry
    /// time past 2^63 ns means "never" for the run, whose last event comes long before — time
    /// never wraps around, in any build.
    @inlinable public static func + (t: SimTime, d: SimDuration) -> SimTime {
        SimTime(nanoseconds: t.nanoseconds.saturatingAdd(d.nanoseconds))
    }
    @inlinable public static func += (t: inout SimTime, d: SimDuration) { t = t + d }
    @inlinable public static func - (t: SimTime, d: SimDuration) -> SimTime {
        SimTime(nanoseconds: t.nanoseconds &- d.nanoseconds)
    }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimDuration {
        SimDuration(nanoseconds: a.nanoseconds &- b.nanoseconds)
    }

    public var description: String { "t=\(SimDuration(nanoseconds: nanoseconds))" }
}
