#if canImport(Glibc)
import Glibc
#endif

/// Erlang's formulas for c parallel servers offered a erlangs (a = λ·E[S], λ in requests per
/// second, E[S] in seconds): the M/M/c queue behind `capsim validate`'s wait estimates.
public enum ErlangC {
    /// Probability that an arrival must wait in M/M/c, C(c, a) = B/(1 − ρ + ρB), from Erlang B
    /// (`FiniteQueue.erlangB`, by its stable recursion: no factorials, no overflow for
    /// thousands of servers). Requires a < c.
    ///
    /// Bounded work whatever c: the recursion stops once B underflows to 0 (then C = 0), and
    /// beyond a million servers it gives way to the Halfin–Whitt limit
    /// C ≈ 1/(1 + βΦ(β)/φ(β)), β = (c − a)/√a, whose error vanishes as c grows.
    public static func probabilityOfWaiting(servers c: Int, load a: Double) -> Double {
        let rho = a / Double(c)
        if c > 1_000_000 {
            guard a > 0 else { return 0 }
            let beta = (Double(c) - a) / a.squareRoot()
            // Φ(β)/φ(β) = √(π/2)·erfcx(−β/√2), written with erfc to stay finite for large β.
            let ratio = beta > 30 ? Double.infinity : (1 - 0.5 * erfc(beta / 2.0.squareRoot())) / normalDensity(beta)
            return 1 / (1 + beta * ratio)
        }
        let b = FiniteQueue.erlangB(servers: c, load: a)
        return b == 0 ? 0 : b / (1 - rho + rho * b)
    }

    static func normalDensity(_ x: Double) -> Double { exp(-x * x / 2) / (2 * Double.pi).squareRoot() }

    /// Mean wait for a server in M/M/c, in seconds: C(c, a)/(cμ − λ) with a = λ·E[S] and
    /// μ = 1/E[S]. Requires λ·E[S] < c (a steady state) and E[S] > 0.
    public static func meanWait(servers c: Int, arrivalRate lambda: Double, meanService s: Double) -> Double {
        probabilityOfWaiting(servers: c, load: lambda * s) / (Double(c) / s - lambda)
    }
}
