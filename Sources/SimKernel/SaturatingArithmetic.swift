extension Int64 {
    /// `self + x`, held at `Int64.max` / `Int64.min` instead of wrapping: nanosecond instants
    /// built from sampled durations (which may be as long as `Int64.max`) saturate at "never".
    @inlinable public func saturatingAdd(_ x: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(x)
        return overflow ? (x > 0 ? .max : .min) : sum
    }

    /// `self × x`, held at `Int64.max` / `Int64.min` instead of wrapping (a count of periods
    /// of a user-given length, e.g. the k-th health check of an interval of 136 years).
    @inlinable public func saturatingMultiply(_ x: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: x)
        return overflow ? ((self < 0) != (x < 0) ? .min : .max) : product
    }
}

extension Int64 {
    /// `x` rounded to the nearest whole number (ties away from zero), held within Int64's range
    /// instead of trapping; NaN becomes 0. For nanosecond counts computed from user-given
    /// factors and rates (`1e308x`, `1e-30/s`), which must never crash a run.
    @inlinable public init(saturatingRounded x: Double) {
        let r = x.rounded()
        if r.isNaN {
            self = 0
        } else if r >= 9_223_372_036_854_775_807.0 {
            self = .max
        } else if r <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int64(r)
        }
    }
}
