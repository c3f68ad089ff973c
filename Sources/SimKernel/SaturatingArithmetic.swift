extension Int64 {
    /// `self + x`, held at `Int64.max` / `Int64.min` instead of wrapping: nanosecond instants
    /// built from sampled durations (which may be as long as `Int64.max`) saturate at "never".
    @inlinable public func saturatingAdd(_ x: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(x)
        return overflow ? (x > 0 ? .max : .min) : sum
    }
}
