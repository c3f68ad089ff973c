import Foundation
import Testing
import Theory

/// M/M/c+G (`ImpatientQueue`): Erlang-A against its birth–death chain summed directly; both laws
/// of patience against the general M/M/c+G density integrated numerically; the limits (no
/// patience is Erlang B, endless patience Erlang C); and finite figures under extreme overload.
@Suite("M/M/c+G: impatient lines")
struct ImpatientQueueTests {
    static func close(_ x: Double, _ y: Double, _ tolerance: Double) -> Bool {
        abs(x - y) <= tolerance * max(abs(y), 1e-300)
    }

    /// Erlang-A's chain p_0…p_K summed directly: births λ, deaths min(j, c)μ + (j − c)⁺θ, up to K
    /// or until the terms vanish (for cases whose terms stay within a Double's range).
    static func chain(servers c: Int, room: Int?, lambda: Double, mu: Double, theta: Double) -> [Double] {
        var p = [1.0]
        var j = 0
        while j < 1_000_000 {
            j += 1
            if let room, j > c + room { break }
            p.append(p[j - 1] * lambda / (Double(min(j, c)) * mu + Double(max(j - c, 0)) * theta))
            if j > c && p[j] < 1e-20 * p.reduce(0, +) { break }
        }
        let total = p.reduce(0, +)
        return p.map { $0 / total }
    }

    /// The general M/M/c+G density of the offered wait (Zeltyn and Mandelbaum): P(V = 0) =
    /// Σ_{j<c} π_j, f(x) = λπ_{c−1}·exp(λH(x) − cμx) above 0 with H(x) = ∫₀ˣ (1 − G), integrated
    /// by Simpson's rule on [0, knee] and [knee, upTo] (a fixed patience's step in G sits at the
    /// knee). Returns P(V > 0), P(give up) = ∫ f·G and the mean time in line per arrival ∫ f·H.
    static func integrated(
        servers c: Int, lambda: Double, mu: Double, knee: Double, upTo: Double, steps: Int,
        h: (Double) -> Double, g: (Double) -> Double
    ) -> (waits: Double, abandonment: Double, timeInLine: Double) {
        // Σ_{j<c} (a^j/j!) over a^{c−1}/(c−1)!.
        let a = lambda / mu
        var below = 1.0
        var term = 1.0
        for j in stride(from: c - 1, to: 0, by: -1) {
            term *= Double(j) / a
            below += term
        }
        var (j, ab, line) = (0.0, 0.0, 0.0)
        for (from, to) in [(0, knee), (knee, upTo)] {
            let dx = (to - from) / Double(steps)
            var part = (0.0, 0.0, 0.0)
            for i in 0...steps {
                // The step's own side at each end: G just after the knee on the second piece.
                let x = i == 0 ? from.nextUp : (i == steps ? to.nextDown : from + Double(i) * dx)
                let w: Double = i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2)
                let f = exp(lambda * h(x) - Double(c) * mu * x)
                part.0 += w * f
                part.1 += w * f * g(x)
                part.2 += w * f * h(x)
            }
            j += part.0 * dx / 3
            ab += part.1 * dx / 3
            line += part.2 * dx / 3
        }
        let pi = 1 / (below + lambda * j)
        return (lambda * pi * j, lambda * pi * ab, lambda * pi * line)
    }

    @Test(
        "Erlang-A matches its chain: the share giving up, the line, P(wait), blocking with a bounded line",
        arguments: [
            (4, nil, 480.0, 100.0, 50.0), (1, nil, 900.0, 1000.0, 10.0), (8, nil, 2000.0, 100.0, 5.0),
            (2, 3, 300.0, 100.0, 20.0), (4, 10, 800.0, 100.0, 50.0), (3, 0, 250.0, 100.0, 40.0),
            (1, nil, 1500.0, 1000.0, 2.0), (16, nil, 1200.0, 100.0, 0.5),
        ] as [(Int, Int?, Double, Double, Double)])
    func erlangA(c: Int, room: Int?, lambda: Double, mu: Double, theta: Double) throws {
        let q = try #require(
            ImpatientQueue(
                servers: c, waitingRoom: room, arrivalRate: lambda, meanService: 1 / mu,
                patience: .exponential(mean: 1 / theta)))
        let p = Self.chain(servers: c, room: room, lambda: lambda, mu: mu, theta: theta)
        let waiting = p.indices.reduce(0.0) { $0 + Double(max($1 - c, 0)) * p[$1] }
        let busy = p.indices.reduce(0.0) { $0 + Double(min($1, c)) * p[$1] }
        let top = room == nil ? 0 : p[p.count - 1]
        let waits = (p[c...].reduce(0, +) - top) / (1 - top)
        #expect(Self.close(q.meanWaiting, waiting, 1e-9), "\(q.meanWaiting) \(waiting)")
        #expect(Self.close(q.abandonment, theta * waiting / lambda, 1e-9))
        #expect(Self.close(q.blocking, top, 1e-9) || top < 1e-300)
        #expect(Self.close(q.waitProbability, waits, 1e-9) || waits < 1e-300)
        // What the servers carry: the mean number busy, and λ·E[S] less what is lost.
        #expect(Self.close(q.carriedLoad, busy, 1e-9))
        // Little's law over the admitted stream.
        #expect(Self.close(q.meanWait * lambda * (1 - q.blocking), waiting, 1e-9))
    }

    @Test(
        "both laws of patience agree with the general M/M/c+G density integrated numerically",
        arguments: [
            (4, 480.0, 100.0, 0.02), (1, 900.0, 1000.0, 0.005), (8, 700.0, 100.0, 0.05), (2, 150.0, 100.0, 0.1),
        ]
    )
    func againstDensity(c: Int, lambda: Double, mu: Double, patience: Double) throws {
        let cmu = Double(c) * mu
        // The density's scale: it falls at least as fast as e^{−(cμ − λ)x} beyond the patience.
        let upTo = patience + 60 / max(cmu - lambda, cmu * 0.05) + 40 * patience
        let theta = 1 / patience
        let exponential = Self.integrated(
            servers: c, lambda: lambda, mu: mu, knee: patience, upTo: upTo, steps: 200_000,
            h: { (1 - exp(-theta * $0)) / theta },
            g: { 1 - exp(-theta * $0) })
        let erlangA = try #require(
            ImpatientQueue(
                servers: c, arrivalRate: lambda, meanService: 1 / mu, patience: .exponential(mean: patience)))
        #expect(Self.close(erlangA.waitProbability, exponential.waits, 1e-6))
        #expect(Self.close(erlangA.abandonment, exponential.abandonment, 1e-6))
        #expect(Self.close(erlangA.meanWait, exponential.timeInLine, 1e-6))
        let fixed = Self.integrated(
            servers: c, lambda: lambda, mu: mu, knee: patience, upTo: upTo, steps: 200_000, h: { min($0, patience) },
            g: { $0 > patience ? 1 : 0 })
        let deterministic = try #require(
            ImpatientQueue(servers: c, arrivalRate: lambda, meanService: 1 / mu, patience: .fixed(patience)))
        #expect(Self.close(deterministic.waitProbability, fixed.waits, 1e-6))
        #expect(Self.close(deterministic.abandonment, fixed.abandonment, 1e-6))
        #expect(Self.close(deterministic.meanWait, fixed.timeInLine, 1e-6))
    }

    @Test("no patience is Erlang B; endless patience below capacity is Erlang C; λ = cμ is continuous")
    func limits() throws {
        for (c, a) in [(1, 0.5), (4, 3.0), (10, 12.0), (30, 24.0)] {
            let lambda = a * 100
            let loss = try #require(
                ImpatientQueue(servers: c, arrivalRate: lambda, meanService: 0.01, patience: .fixed(0)))
            #expect(Self.close(loss.abandonment, FiniteQueue.erlangB(servers: c, load: a), 1e-12))
            #expect(loss.meanWait == 0)
            let impatient = try #require(
                ImpatientQueue(
                    servers: c, arrivalRate: lambda, meanService: 0.01, patience: .exponential(mean: 1e-9)))
            #expect(Self.close(impatient.abandonment, FiniteQueue.erlangB(servers: c, load: a), 1e-5))
            guard a < Double(c) else { continue }
            let erlangC = ErlangC.meanWait(servers: c, arrivalRate: lambda, meanService: 0.01)
            for patience in [ImpatientQueue.Patience.fixed(1e6), .exponential(mean: 1e6)] {
                let q = try #require(
                    ImpatientQueue(servers: c, arrivalRate: lambda, meanService: 0.01, patience: patience))
                #expect(Self.close(q.meanWait, erlangC, 1e-6), "\(patience): \(q.meanWait) \(erlangC)")
                #expect(q.abandonment < 1e-6)
            }
        }
        // Near λ = cμ (|βD| < 10⁻², here |λ − 400| < 0.5) the fixed-patience forms switch to their
        // series: no jump where they meet (the figures' slopes are about 10⁻³ and 10⁻⁴ per unit
        // of λ, so 2·10⁻⁴ apart they differ by well under the bounds).
        let at = { (lambda: Double) in
            try #require(ImpatientQueue(servers: 4, arrivalRate: lambda, meanService: 0.01, patience: .fixed(0.02)))
        }
        for (series, closed) in [(400.4999, 400.5001), (399.5001, 399.4999), (400.000_001, 400.4999)] {
            let (x, y) = (try at(series), try at(closed))
            #expect(abs(x.abandonment - y.abandonment) < 2e-3 * abs(closed - series) + 1e-12)
            #expect(abs(x.meanWait - y.meanWait) < 2e-4 * abs(closed - series) + 1e-12)
        }
    }

    @Test("under extreme overload the figures stay finite: nearly all give up, the servers are nearly always busy")
    func extremes() throws {
        for patience in [ImpatientQueue.Patience.fixed(10), .exponential(mean: 10), .fixed(1e5)] {
            let q = try #require(
                ImpatientQueue(servers: 1, arrivalRate: 1e6, meanService: 0.001, patience: patience))
            #expect(q.abandonment.isFinite && q.meanWait.isFinite)
            #expect(Self.close(q.abandonment, 0.999, 1e-6), "\(patience) \(q.abandonment)")
            #expect(q.utilization <= 1 && q.utilization > 0.999_99)
        }
        // Work that cannot be bounded answers nil rather than spinning.
        #expect(
            ImpatientQueue(servers: 1, arrivalRate: 1e9, meanService: 0.001, patience: .exponential(mean: 1e3)) == nil)
        #expect(
            ImpatientQueue(servers: 2, waitingRoom: 3, arrivalRate: 100, meanService: 0.01, patience: .fixed(1)) == nil)
        // Nobody there: nothing waits.
        let idle = try #require(
            ImpatientQueue(servers: 2, arrivalRate: 0, meanService: 0.01, patience: .exponential(mean: 1)))
        #expect(idle.abandonment == 0 && idle.meanWait == 0 && idle.utilization == 0)
    }
}
