/// Erlang's formulas for c parallel servers offered a erlangs (a = λ·E[S], λ in requests per
/// second, E[S] in seconds): the M/M/c queue behind `capsim validate`'s wait estimates.
public enum ErlangC {
    /// Probability that an arrival must wait in M/M/c, C(c, a) = B/(1 − ρ + ρB), from Erlang B
    /// by its stable recursion B(k) = aB(k−1)/(k + aB(k−1)) (no factorials, no overflow for
    /// thousands of servers). Requires a < c.
    public static func probabilityOfWaiting(servers c: Int, load a: Double) -> Double {
        var b = 1.0
        for k in 1...max(c, 1) { b = a * b / (Double(k) + a * b) }
        let rho = a / Double(c)
        return b / (1 - rho + rho * b)
    }

    /// Mean wait for a server in M/M/c, in seconds: C(c, a)/(cμ − λ) with a = λ·E[S] and
    /// μ = 1/E[S]. Requires λ·E[S] < c (a steady state) and E[S] > 0.
    public static func meanWait(servers c: Int, arrivalRate lambda: Double, meanService s: Double) -> Double {
        probabilityOfWaiting(servers: c, load: lambda * s) / (Double(c) / s - lambda)
    }
}
