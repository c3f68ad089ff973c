import CGSL

/// Student-t quantiles from GSL, for confidence intervals across replications.
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
}
