#if canImport(Glibc)
import Glibc
#endif

/// GI/M/c/K: c servers with exponential service of rate μ, room for K requests in all (c in
/// service, K − c waiting), fed first come, first served by a renewal process
/// (`RenewalGaps`); an arrival that finds K present is turned away. Exact at any load, over
/// capacity included.
///
/// The number an arrival finds is a Markov chain: an arrival that finds n < K present makes it
/// n + 1 (one that finds K leaves K), and over the gap to the next arrival the requests present
/// leave as a death process of rates μ·min(m, c). The chain is taken by uniformisation at
/// Λ = cμ: over a gap T the death chain makes N ~ Poisson(ΛT) steps, each one down with
/// probability min(m, c)/c, so the transition from m is Σ_j P(N = j)·(D^j)[m, ·]. P(N = j) is a
/// mixture of Poisson (constant gaps) or negative binomial (Poisson and gamma gaps) laws over
/// the number of source gaps an instance's gap spans (a thinned and round-robin gap is a
/// negative binomial number of them). The chain's stationary law π is found by state
/// reduction from the top (Grassmann, Taksar and Heyman: no subtraction, so stable), which
/// costs O(K²) here because the chain moves up one state at most.
///
/// With π the law of what an arrival finds: blocking π_K; an admitted arrival finding n ≥ c
/// waits for n − c + 1 departures at rate cμ; the carried utilisation is λ(1 − π_K)/(cμ).
/// For Poisson gaps π is M/M/c/K's time-average law (arrivals see time averages), and as K
/// grows the figures tend to GI/M/c's (`RenewalQueue`): both are tested.
public struct FiniteRenewalQueue: Sendable, Equatable {
    public let gaps: RenewalGaps
    public let servers: Int
    /// Room in all: servers plus waiting places.
    public let capacity: Int
    public let meanService: Double
    /// Share of arrivals turned away.
    public let blocking: Double
    /// Probability that an admitted request waits for a server.
    public let waitProbability: Double
    /// Mean wait of an admitted request for a server, seconds.
    public let meanWait: Double

    /// Nil unless 1 ≤ c ≤ K ≤ 2,000, E[S] > 0, a positive arrival rate, and the gaps' law
    /// needs at most 20,000 uniformised steps (the sums then cost too much for `validate`:
    /// the M/M/c/K estimate stays).
    public init?(gaps: RenewalGaps, servers c: Int, capacity k: Int, meanService s: Double) {
        let lambda = gaps.rate
        guard c >= 1, k >= c, k <= 2_000, s > 0, s.isFinite, lambda > 0, lambda.isFinite else { return nil }
        let uniform = Double(c) / s  // Λ = cμ
        guard let steps = Self.stepLaw(gaps, uniform: uniform, limit: 20_000) else { return nil }
        // Work: rows near the servers walk the death chain step by step.
        let window = steps.count
        guard Double(min(k, c + window) + 1) * Double(window) * Double(min(window, k + 1)) <= 3e8 else { return nil }
        let n = k + 1
        // transition[m][j]: from an arrival finding m to the next arrival finding j.
        var transition = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for found in 0...k {
            let start = min(found + 1, k)
            if start > c + window {
                // Every step is a departure: the count falls by the number of steps.
                for (j, w) in steps.enumerated() { transition[found][start - j] += w }
                continue
            }
            // v = e_start · D^j over the steps, its support [start − j, start].
            var v = [Double](repeating: 0, count: start + 1)
            v[start] = 1
            var low = start
            for w in steps {
                if w > 0 { for m in low...start { transition[found][m] += w * v[m] } }
                // One step of D: from m down with probability min(m, c)/c.
                let newLow = max(0, low - 1)
                for m in newLow...start {
                    let stay = m == 0 ? 1 : 1 - Double(min(m, c)) / Double(c)
                    let fromAbove = m < start ? Double(min(m + 1, c)) / Double(c) * v[m + 1] : 0
                    v[m] = v[m] * stay + fromAbove
                }
                low = newLow
            }
        }
        guard let pi = Self.stationary(transition) else { return nil }
        let full = pi[k]
        let admitted = 1 - full
        var waiting = 0.0
        var queued = 0.0
        if k > c {
            for found in c..<k {
                waiting += pi[found]
                queued += pi[found] * Double(found - c + 1)
            }
        }
        self.gaps = gaps
        self.servers = c
        self.capacity = k
        self.meanService = s
        self.blocking = full
        self.waitProbability = admitted > 0 ? waiting / admitted : 0
        self.meanWait = admitted > 0 ? queued / admitted * s / Double(c) : 0
    }

    /// Arrivals per second offered.
    public var arrivalRate: Double { gaps.rate }
    /// Share of the servers' time busy: λ(1 − blocking)·E[S]/c.
    public var utilization: Double { arrivalRate * (1 - blocking) * meanService / Double(servers) }
    /// Mean number present (time average), by Little's law over the admitted requests.
    public var meanInSystem: Double { arrivalRate * (1 - blocking) * (meanWait + meanService) }

    /// The figures `validate` and the run's "(theory)" columns read.
    public var figures: QueueFigures {
        QueueFigures(
            blocking: blocking, utilization: utilization, waitProbability: waitProbability,
            meanInSystem: meanInSystem, meanWait: meanWait)
    }

    /// P(N = j), j = 0, 1, …, for N the uniformised steps at rate `uniform` over one gap, until
    /// they add up to within 10⁻¹⁴ of 1; nil beyond `limit` steps.
    ///
    /// A gap spans M source gaps: M = `every` when nothing is thinned, otherwise a negative
    /// binomial (`every` geometric counts of mean 1/`kept`). Given M, a constant source's gap
    /// is M/r and N is Poisson(ΛM/r); a Poisson or gamma source's (shape k₀ = 1 or 1/cv²) is a
    /// gamma of shape M·k₀ and mean M/r, and N is negative binomial:
    /// P(N = j) = Γ(j + a)/(Γ(a)·j!)·q^a·(1 − q)^j, a = M·k₀, q = 1/(1 + Λ/(r·k₀)).
    static func stepLaw(_ gaps: RenewalGaps, uniform: Double, limit: Int) -> [Double]? {
        var source = gaps.source
        var kept = gaps.kept
        // A random share of a Poisson stream is a Poisson stream.
        if case .poisson(let r) = source, kept < 1 {
            source = .poisson(rate: r * kept)
            kept = 1
        }
        let n = gaps.every
        // The spans M and their probabilities, until they add up to within 10⁻¹⁵ of 1:
        // log P(M = m) = log C(m − 1, n − 1) + n·log p + (m − n)·log(1 − p).
        var spans: [(count: Int, weight: Double)] = []
        if kept >= 1 {
            spans = [(n, 1)]
        } else {
            var total = 0.0
            var m = n
            while total < 1 - 1e-15 {
                guard spans.count < 5_000 else { return nil }
                let logWeight =
                    lgamma(Double(m)) - lgamma(Double(n)) - lgamma(Double(m - n + 1)) + Double(n) * log(kept)
                    + Double(m - n) * log1p(-kept)
                let w = exp(logWeight)
                spans.append((m, w))
                total += w
                m += 1
            }
        }
        let spanTotal = spans.reduce(0) { $0 + $1.weight }
        // Per span: log P(N = j), advanced j by j by the law's ratio — Poisson's x/(j + 1),
        // the negative binomial's (j + a)/(j + 1)·(1 − q).
        var logs: [Double] = []
        var ratios: [Double] = []  // log x, or log(1 − q)
        var shapes: [Double] = []  // a (negative binomial only)
        let constant: Bool
        switch source {
        case .constant(let r):
            constant = true
            for span in spans {
                let x = uniform * Double(span.count) / r
                logs.append(-x)
                ratios.append(log(x))
                shapes.append(0)
            }
        case .poisson(let r), .gamma(let r, _):
            constant = false
            let shape: Double = if case .gamma(_, let cv) = source { 1 / (cv * cv) } else { 1 }
            let q = 1 / (1 + uniform / (r * shape))
            for span in spans {
                let a = Double(span.count) * shape
                logs.append(a * log(q))
                ratios.append(log1p(-q))
                shapes.append(a)
            }
        }
        var law: [Double] = []
        var total = 0.0
        var j = 0
        while total < spanTotal * (1 - 1e-13) {
            guard j <= limit else { return nil }
            var w = 0.0
            for i in spans.indices {
                w += spans[i].weight * exp(logs[i])
                logs[i] +=
                    constant
                    ? ratios[i] - log(Double(j + 1)) : ratios[i] + log((Double(j) + shapes[i]) / Double(j + 1))
            }
            law.append(w)
            total += w
            j += 1
        }
        return law.map { $0 / total }
    }

    /// The stationary law of a chain whose row m moves to states ≤ m + 1, by state reduction
    /// from the top (GTH): eliminating state t folds it into row t − 1, the only row that
    /// reaches it; then π_t = π_(t−1)·P[t − 1][t] / S_t, S_t the reduced row t's mass below t.
    static func stationary(_ matrix: [[Double]]) -> [Double]? {
        var p = matrix
        let top = p.count - 1
        var below = [Double](repeating: 0, count: p.count)
        if top >= 1 {
            for t in stride(from: top, through: 1, by: -1) {
                var s = 0.0
                for j in 0..<t { s += p[t][j] }
                guard s > 0 else { return nil }
                below[t] = s
                let up = p[t - 1][t]
                if up > 0 { for j in 0..<t { p[t - 1][j] += up * p[t][j] / s } }
            }
        }
        var pi = [Double](repeating: 0, count: p.count)
        pi[0] = 1
        if top >= 1 { for t in 1...top { pi[t] = pi[t - 1] * p[t - 1][t] / below[t] } }
        let sum = pi.reduce(0, +)
        guard sum.isFinite, sum > 0 else { return nil }
        return pi.map { $0 / sum }
    }
}
