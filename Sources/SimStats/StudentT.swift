import CGSL

/// Student-t quantiles and tails from GSL, for confidence intervals and tests across
/// replications. The one place capsim's statistics call GSL's t distribution.
public enum StudentT {
    /// The two-sided 95 % critical value t_{0.975, df}; NaN when df < 1.
    public static func critical95(degreesOfFreedom df: Int) -> Double {
        quantile(0.975, degreesOfFreedom: df)
    }

    /// The p-quantile of Student's t with `df` degrees of freedom. GSL returns nonsense rather
    /// than an error for p outside (0, 1), so the argument is checked here.
    public static func quantile(_ p: Double, degreesOfFreedom df: Int) -> Double {
        guard df >= 1, p > 0, p < 1 else { return .nan }
        return gsl_cdf_tdist_Pinv(p, Double(df))
    }

    /// The p-quantile for real degrees of freedom (> 0), as Welch–Satterthwaite's approximation
    /// gives them. p is checked as in `quantile(_:degreesOfFreedom:)`; df is passed to GSL as it
    /// is (the caller's formula keeps it ≥ 1).
    public static func quantile(_ p: Double, realDegreesOfFreedom df: Double) -> Double {
        guard p > 0, p < 1 else { return .nan }
        return gsl_cdf_tdist_Pinv(p, df)
    }

    /// The upper tail P(T > t) of Student's t with `df` degrees of freedom; NaN when df < 1.
    /// Twice the tail at |t| is the two-sided p-value of a t statistic.
    public static func upperTail(_ t: Double, degreesOfFreedom df: Int) -> Double {
        guard df >= 1 else { return .nan }
        return gsl_cdf_tdist_Q(t, Double(df))
    }
}
