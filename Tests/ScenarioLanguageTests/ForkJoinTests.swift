import Foundation
import SimRandom
import Testing
import Theory

/// A fan-out's maximum (`ForkJoin`) and the laws it integrates (`Distribution`'s
/// `cumulativeProbabilities`, `BranchTime`) against closed forms and against draws.
@Suite struct ForkJoinTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    /// A visit that never waits, made with probability `made`.
    static func visit(_ service: Distribution, made: Double = 1, shift: Double = 0) -> BranchTime {
        .repeated(
            probability: made, calls: 1, pass: 1, mean: service.mean + shift,
            second: service.variance + (service.mean + shift) * (service.mean + shift),
            body: .visit(service: service, shift: shift, waitProbability: 0, waitRate: 0))
    }

    @Test("independent exponentials: E[max] = a + b − ab/(a + b), E[max²] = 2a² + 2b² − 2(ab/(a + b))²")
    func exponentials() {
        for (a, b) in [(0.002, 0.003), (0.001, 0.001), (0.004, 0.0001), (1.0, 7.0)] {
            let m = ForkJoin.maximum([Self.visit(.exponential(mean: a)), Self.visit(.exponential(mean: b))])
            let harmonic = a * b / (a + b)
            #expect(Self.close(m.mean, a + b - harmonic, 1e-6), "\(a), \(b): \(m)")
            #expect(Self.close(m.second, 2 * a * a + 2 * b * b - 2 * harmonic * harmonic, 1e-6), "\(a), \(b): \(m)")
        }
        // Three: E[max] by inclusion and exclusion over the minima of the subsets.
        let (a, b, c) = (1.0, 2.0, 4.0)
        let three = ForkJoin.maximum([a, b, c].map { Self.visit(.exponential(mean: $0)) })
        let minimum = { (means: [Double]) in 1 / means.reduce(0) { $0 + 1 / $1 } }
        let exact = a + b + c - minimum([a, b]) - minimum([a, c]) - minimum([b, c]) + minimum([a, b, c])
        #expect(Self.close(three.mean, exact, 1e-6), "\(three.mean) against \(exact)")
    }

    @Test("constants take the largest exactly; an optional call is an atom at 0")
    func constantsAndAtoms() {
        let two = ForkJoin.maximum([Self.visit(.deterministic(value: 0.003)), Self.visit(.deterministic(value: 0.005))])
        #expect(Self.close(two.mean, 0.005, 1e-12) && Self.close(two.second, 0.005 * 0.005, 1e-12), "\(two)")
        let shifted = ForkJoin.maximum([
            Self.visit(.deterministic(value: 0.003), shift: 0.0025), Self.visit(.deterministic(value: 0.005)),
        ])
        #expect(Self.close(shifted.mean, 0.0055, 1e-12), "a round trip shifts the branch: \(shifted)")
        // X = Exp(a) with probability ½, else 0, against a constant d:
        // E[max] = d + ½·a·e^{−d/a}, E[max²] = d² + e^{−d/a}·(a·d + a²).
        let (a, d) = (0.004, 0.003)
        let m = ForkJoin.maximum([Self.visit(.exponential(mean: a), made: 0.5), Self.visit(.deterministic(value: d))])
        #expect(Self.close(m.mean, d + 0.5 * a * exp(-d / a), 1e-6), "\(m)")
        #expect(Self.close(m.second, d * d + exp(-d / a) * (a * d + a * a), 1e-6), "\(m)")
    }

    @Test(
        "an M/M/1 visit (exponential service, then Erlang C's wait) lasts an exponential sojourn: the fork of two is 1.5/(μ − λ)"
    )
    func waitingVisits() {
        // μ = 2000/s, λ = 1000/s: P(wait) = ½, mean wait 0.5 ms, sojourn Exp(mean 1 ms).
        let w = BranchTime.wait(mean: 0.0005, probability: 0.5)
        #expect(Self.close(w.rate, 1000, 1e-12) && Self.close(w.second, 2 * 0.0005 * 0.0005 / 0.5, 1e-12))
        let branch = BranchTime.repeated(
            probability: 1, calls: 1, pass: 1, mean: 0.001, second: 2e-6,
            body: .visit(
                service: .exponential(mean: 0.0005), shift: 0, waitProbability: w.probability, waitRate: w.rate))
        let m = ForkJoin.maximum([branch, branch])
        #expect(Self.close(m.mean, 0.0015, 1e-5), "\(m)")
        // E[max²] of two Exp(1 ms): 2·2·1² − 2·(½)² = 3.5 ms².
        #expect(Self.close(m.second, 3.5e-6, 1e-5), "\(m)")
    }

    @Test("a repeated call's sum: geometric many exponentials are one exponential; a rate limit adds an atom")
    func repeatedCalls() {
        // N geometric with mean 3, each Exp(1): the sum is Exp(mean 3), so its fitted body has scv 1.
        let sum = BranchTime.repeated(
            probability: 1, calls: 3, pass: 1, mean: 1, second: 2, body: .fitted(mean: 1, scv: 1))
        #expect(Self.close(sum.mean, 3, 1e-12) && Self.close(sum.second, 18, 1e-12) && sum.zero == 0, "\(sum)")
        guard case .fitted(let m, let scv) = sum.body else {
            Issue.record("a repeated call is fitted")
            return
        }
        #expect(Self.close(m, 3, 1e-12) && Self.close(scv, 1, 1e-12))
        // Each call let through with probability ½, made with probability 0.8, mean 2 calls:
        // P(none let through | made) = E[½^N] = (½·½)/(1 − ½·½) = ⅓.
        let limited = BranchTime.repeated(
            probability: 0.8, calls: 2, pass: 0.5, mean: 1, second: 2, body: .fitted(mean: 1, scv: 1))
        #expect(Self.close(limited.zero, 1 - 0.8 * (2.0 / 3), 1e-12), "\(limited)")
        #expect(Self.close(limited.mean, 0.8 * 2 * 0.5, 1e-12))
        // E[S²] = E[N]·Var(Z) + E[N²]·E[Z]², Z = B·T: E[Z] = ½, E[Z²] = 1; E[N²] = 2·4 − 2 = 6.
        #expect(Self.close(limited.second, 0.8 * (2 * (1 - 0.25) + 6 * 0.25), 1e-12))
        // One call made with probability p and let through with probability q keeps its body.
        let once = BranchTime.repeated(
            probability: 0.5, calls: 1, pass: 0.5, mean: 1, second: 2, body: .fitted(mean: 1, scv: 1))
        #expect(once.zero == 0.75 && once.mean == 0.25 && once.second == 0.5, "\(once)")
    }

    @Test("no branch, one branch, an infinite mean")
    func edges() {
        #expect(ForkJoin.maximum([]) == (0, 0))
        let one = Self.visit(.lognormal(mean: 0.002, cv: 1.5))
        #expect(ForkJoin.maximum([one]) == (one.mean, one.second))
        let heavy = Self.visit(.pareto(shape: 0.9, scale: 0.001))
        #expect(ForkJoin.maximum([one, heavy]).mean == .infinity)
        // A Pareto with a finite mean and an infinite variance: a finite E[max], an infinite E[max²].
        let tail = ForkJoin.maximum([one, Self.visit(.pareto(shape: 1.5, scale: 0.001))])
        #expect(tail.mean.isFinite && tail.mean > 0.003 && tail.second == .infinity, "\(tail)")
        // Branches that never take time.
        #expect(ForkJoin.maximum([Self.visit(.exponential(mean: 1), made: 0), one]) == (one.mean, one.second))
    }

    /// Every continuous law: Kolmogorov–Smirnov against 20,000 of its own draws at level 10⁻⁴,
    /// and ∫(1 − F) over a fine grid equal to its mean.
    @Test("each law's P(X ≤ t) agrees with its draws and integrates to its mean")
    func laws() {
        let laws: [Distribution] = [
            .exponential(mean: 0.002), .uniform(min: 0.001, max: 0.004), .normal(mean: 0.002, sd: 0.0015),
            .normal(mean: 0.01, sd: 0.001), .lognormal(mean: 0.003, cv: 1.5), .gamma(mean: 0.005, cv: 0.5),
            .gamma(mean: 0.005, cv: 2), .weibull(shape: 1.5, scale: 0.002), .pareto(shape: 3, scale: 0.001),
            .erlang(k: 3, mean: 0.006), .hyperexponential(mean: 0.002, cv: 2),
        ]
        let store = StreamStore(seed: 4242)
        for (i, law) in laws.enumerated() {
            let stream = store.stream(path: "law\(i)", purpose: .service)
            stream.seat(replication: 0, entity: 1)
            let n = 20_000
            let draws = (0..<n).map { _ in law.sample(stream) }.sorted()
            let f = law.cumulativeProbabilities(at: draws)
            var d = 0.0
            for (k, p) in f.enumerated() { d = max(d, Double(k + 1) / Double(n) - p, p - Double(k) / Double(n)) }
            // P(D > c/√n) ≈ 2e^{−2c²}: c = 2.226 for 10⁻⁴.
            #expect(d < 2.226 / Double(n).squareRoot(), "\(law): KS distance \(d)")
            // Far enough that the lognormal's tail beyond adds less than 10⁻⁶ of its mean.
            let reach = law.mean + 1_000 * law.variance.squareRoot()
            let cells = 1_000_000
            let h = reach / Double(cells)
            let survival = law.cumulativeProbabilities(at: (0..<cells).map { (Double($0) + 0.5) * h })
                .reduce(0) { $0 + (1 - $1) * h }
            #expect(Self.close(survival, law.mean, 1e-4), "\(law): ∫(1 − F) = \(survival) against \(law.mean)")
        }
        // The discrete laws, point by point.
        #expect(
            Distribution.deterministic(value: 0.002).cumulativeProbabilities(at: [0.001, 0.002, 0.003]) == [0, 1, 1])
        #expect(
            Distribution.empirical(samples: [0.003, 0.001, 0.002, 0.002]).cumulativeProbabilities(
                at: [0, 0.001, 0.0015, 0.002, 0.0029, 0.003]) == [0, 0.25, 0.25, 0.75, 0.75, 1])
    }
}
