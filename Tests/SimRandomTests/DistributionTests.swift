import CGSL
import SimRandom
import Testing

/// One distribution under test, with its CDF where a closed form exists (for a CDF check that stays
/// honest when the variance is infinite).
struct DistributionCase: CustomTestStringConvertible, Sendable {
    let distribution: Distribution
    let cdf: (@Sendable (Double) -> Double)?
    /// False only for Pareto with shape ≤ 4, whose batch variances have infinite variance.
    let checkVariance: Bool

    init(_ d: Distribution, cdf: (@Sendable (Double) -> Double)? = nil, checkVariance: Bool = true) {
        distribution = d
        self.cdf = cdf
        self.checkVariance = checkVariance
    }

    var testDescription: String { "\(distribution)" }
}

private func phi(_ x: Double) -> Double { gsl_cdf_ugaussian_P(x) }

let distributionCases: [DistributionCase] = [
    .init(.exponential(mean: 0.05), cdf: { gsl_cdf_exponential_P($0, 0.05) }),
    .init(.exponential(mean: 3), cdf: { gsl_cdf_exponential_P($0, 3) }),
    .init(.deterministic(value: 0.25)),
    .init(.uniform(min: 0.01, max: 0.03), cdf: { gsl_cdf_flat_P($0, 0.01, 0.03) }),
    .init(.normal(mean: 1, sd: 1), cdf: { x in (phi((x - 1) / 1) - phi(-1)) / phi(1) }),
    .init(.normal(mean: 0.5, sd: 0.2), cdf: { x in (phi((x - 0.5) / 0.2) - phi(-2.5)) / phi(2.5) }),
    .init(.normal(mean: 0, sd: 2), cdf: { x in (phi(x / 2) - 0.5) / 0.5 }),
    .init(
        .lognormal(mean: 0.1, cv: 0.5),
        cdf: { x in
            let s2 = log1p(0.25)
            return gsl_cdf_lognormal_P(x, log(0.1) - s2 / 2, s2.squareRoot())
        }),
    .init(
        .lognormal(mean: 2, cv: 2),
        cdf: { x in
            let s2 = log1p(4.0)
            return gsl_cdf_lognormal_P(x, log(2.0) - s2 / 2, s2.squareRoot())
        }),
    .init(.gamma(mean: 0.2, cv: 0.5), cdf: { gsl_cdf_gamma_P($0, 4, 0.05) }),
    .init(.gamma(mean: 1, cv: 2), cdf: { gsl_cdf_gamma_P($0, 0.25, 4) }),
    .init(.weibull(shape: 2, scale: 1), cdf: { 1 - exp(-($0 * $0)) }),
    .init(.weibull(shape: 0.5, scale: 2), cdf: { 1 - exp(-($0 / 2).squareRoot()) }),
    .init(.pareto(shape: 5, scale: 0.1), cdf: { gsl_cdf_pareto_P($0, 5, 0.1) }),
    .init(.pareto(shape: 2.5, scale: 1), cdf: { gsl_cdf_pareto_P($0, 2.5, 1) }, checkVariance: false),
    .init(.pareto(shape: 1.5, scale: 1), cdf: { gsl_cdf_pareto_P($0, 1.5, 1) }, checkVariance: false),
    .init(.erlang(k: 3, mean: 0.3), cdf: { gsl_cdf_gamma_P($0, 3, 0.1) }),
    .init(.erlang(k: 1, mean: 2), cdf: { gsl_cdf_exponential_P($0, 2) }),
    .init(
        .hyperexponential(probabilities: [0.2, 0.5, 0.3], means: [0.01, 0.1, 1]),
        cdf: { x in
            0.2 * (1 - exp(-x / 0.01)) + 0.5 * (1 - exp(-x / 0.1)) + 0.3 * (1 - exp(-x))
        }),
    .init(Distribution.hyperexponential(mean: 1, cv: 3)),
    .init(
        .empirical(samples: [0.1, 0.2, 0.2, 0.5, 1.3, 0]),
        cdf: { x in
            Double([0.1, 0.2, 0.2, 0.5, 1.3, 0].filter { $0 <= x }.count) / 6
        }),
]

@Suite("Distribution")
struct DistributionTests {
    /// Sample mean within 3.9 standard errors of `mean`; mean of 200 unbiased batch variances within
    /// 3.9 standard errors (from their spread) of `variance`; empirical CDF at the 5, 25, 50, 75, 95
    /// and 99 % points of the samples within 3.9 binomial standard errors of the CDF.
    @Test("samples match the stated moments and CDF", arguments: distributionCases)
    func moments(_ c: DistributionCase) {
        let d = c.distribution
        #expect(d.validate() == nil)
        let store = StreamStore(seed: 20_260_101)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "tests/\(c.testDescription)", purpose: .service)
        stream.seat(replication: 1, entity: 0)
        let n = 400_000
        let batches = 200
        let m = n / batches
        var samples = [Double](repeating: 0, count: n)
        for i in 0..<n { samples[i] = d.sample(stream) }
        #expect(samples.allSatisfy { $0 >= 0 && $0.isFinite })

        var sum = 0.0
        for x in samples { sum += x }
        let sampleMean = sum / Double(n)
        if d.mean.isFinite {
            let bound = 3.9 * (d.variance / Double(n)).squareRoot() + 1e-9 * d.mean
            #expect(abs(sampleMean - d.mean) <= bound, "mean \(sampleMean) vs \(d.mean), bound \(bound)")
        } else {
            #expect(d.variance == .infinity)
        }

        if c.checkVariance && d.variance.isFinite {
            var batchVariances: [Double] = []
            for b in 0..<batches {
                let slice = samples[(b * m)..<((b + 1) * m)]
                let bm = slice.reduce(0, +) / Double(m)
                batchVariances.append(slice.reduce(0) { $0 + ($1 - bm) * ($1 - bm) } / Double(m - 1))
            }
            let vbar = batchVariances.reduce(0, +) / Double(batches)
            let sd = (batchVariances.reduce(0) { $0 + ($1 - vbar) * ($1 - vbar) } / Double(batches - 1)).squareRoot()
            let bound = 3.9 * sd / Double(batches).squareRoot() + 1e-9 * d.variance
            #expect(abs(vbar - d.variance) <= bound, "variance \(vbar) vs \(d.variance), bound \(bound)")
        }

        if let cdf = c.cdf {
            let sorted = samples.sorted()
            for q in [0.05, 0.25, 0.5, 0.75, 0.95, 0.99] {
                let x = sorted[Int(q * Double(n))]
                // Fraction of samples ≤ x against F(x): a binomial proportion (exact for discrete too).
                var below = 0
                var lo = 0
                var hi = n
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if sorted[mid] <= x { lo = mid + 1 } else { hi = mid }
                }
                below = lo
                let f = cdf(x)
                let bound = 3.9 * (f * (1 - f) / Double(n)).squareRoot() + 1e-12
                let observed = Double(below) / Double(n)
                #expect(abs(observed - f) <= bound, "at x = \(x): F̂ \(observed) vs F \(f), bound \(bound)")
            }
        }
    }

    @Test("moment formulas")
    func formulas() {
        func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool { abs(a - b) <= tol * max(1, abs(b)) }
        // Truncated normal moments against SciPy's truncnorm.
        #expect(close(Distribution.normal(mean: 1, sd: 1).mean, 1.2875999709391783))
        #expect(close(Distribution.normal(mean: 1, sd: 1).variance, 0.6296862857766055))
        #expect(close(Distribution.normal(mean: 0, sd: 2).mean, 1.5957691216057308))
        #expect(close(Distribution.normal(mean: 0, sd: 2).variance, 1.4535209105296745))
        #expect(close(Distribution.normal(mean: 0.5, sd: 0.2).mean, 0.5035275650973834))
        #expect(close(Distribution.normal(mean: 0.5, sd: 0.2).variance, 0.038223773735792055))
        #expect(close(Distribution.normal(mean: 0.3, sd: 0.6).mean, 0.60549626030222))
        #expect(close(Distribution.normal(mean: 0.3, sd: 0.6).variance, 0.17502315685069217))
        // Far from 0 the truncation vanishes.
        #expect(close(Distribution.normal(mean: 100, sd: 1).mean, 100))
        #expect(close(Distribution.normal(mean: 100, sd: 1).variance, 1))

        #expect(close(Distribution.weibull(shape: 0.5, scale: 2).mean, 4))
        #expect(close(Distribution.weibull(shape: 0.5, scale: 2).variance, 80))
        #expect(close(Distribution.weibull(shape: 1, scale: 3).variance, 9))
        #expect(close(Distribution.pareto(shape: 5, scale: 1).mean, 1.25))
        #expect(close(Distribution.pareto(shape: 5, scale: 1).variance, 5.0 / 48))
        #expect(Distribution.pareto(shape: 2, scale: 1).variance == .infinity)
        #expect(Distribution.pareto(shape: 2, scale: 1).mean == 2)
        #expect(Distribution.pareto(shape: 1, scale: 1).mean == .infinity)
        #expect(Distribution.pareto(shape: 1.5, scale: 1).cv == .infinity)
        #expect(close(Distribution.lognormal(mean: 2, cv: 0.3).cv, 0.3))
        #expect(close(Distribution.gamma(mean: 2, cv: 3).variance, 36))
        #expect(close(Distribution.erlang(k: 4, mean: 2).cv, 0.5))
        #expect(close(Distribution.uniform(min: 1, max: 3).variance, 1.0 / 3))
        #expect(Distribution.deterministic(value: 2).cv == 0)
        #expect(close(Distribution.empirical(samples: [1, 2, 3, 4]).variance, 1.25))
        #expect(close(Distribution.exponential(mean: 0.5).cv, 1))
        for cv in [1.0, 1.5, 3, 10] {
            let h = Distribution.hyperexponential(mean: 0.2, cv: cv)
            #expect(h.validate() == nil)
            #expect(close(h.mean, 0.2, 1e-12))
            #expect(close(h.cv, cv, 1e-12))
        }
        #expect(Distribution.hyperexponential(mean: 1, cv: 0.5).validate() != nil)
    }

    @Test("names are the YAML spellings")
    func names() {
        let all: [Distribution] = [
            .exponential(mean: 1), .deterministic(value: 1), .uniform(min: 0, max: 1), .normal(mean: 1, sd: 1),
            .lognormal(mean: 1, cv: 1), .gamma(mean: 1, cv: 1), .weibull(shape: 1, scale: 1),
            .pareto(shape: 3, scale: 1), .erlang(k: 2, mean: 1),
            .hyperexponential(probabilities: [1], means: [1]), .empirical(samples: [1]),
        ]
        #expect(all.map(\.name) == Distribution.names)
        #expect(all.allSatisfy { $0.validate() == nil })
    }

    @Test(
        "validate() rejects bad parameters with a message",
        arguments: [
            (Distribution.exponential(mean: 0), "mean must be > 0 (found 0)"),
            (.exponential(mean: -1.5), "mean must be > 0 (found -1.5)"),
            (.exponential(mean: .nan), "mean must be a finite number (found nan)"),
            (.exponential(mean: .infinity), "mean must be a finite number (found inf)"),
            (.deterministic(value: -1), "value must be >= 0 (found -1)"),
            (.uniform(min: -1, max: 1), "min must be >= 0 (found -1)"),
            (.uniform(min: 2, max: 1), "max must be > min (found min 2, max 1)"),
            (.uniform(min: 1, max: .infinity), "max must be a finite number (found inf)"),
            (.normal(mean: -1, sd: 1), "mean must be >= 0 (found -1)"),
            (.normal(mean: 1, sd: 0), "sd must be > 0 (found 0)"),
            (.lognormal(mean: 1, cv: -1), "cv must be > 0 (found -1)"),
            (.lognormal(mean: 0, cv: 1), "mean must be > 0 (found 0)"),
            (.gamma(mean: 1, cv: 0), "cv must be > 0 (found 0)"),
            (.weibull(shape: 0, scale: 1), "shape must be > 0 (found 0)"),
            (.weibull(shape: 1, scale: -2), "scale must be > 0 (found -2)"),
            (.pareto(shape: -1, scale: 1), "shape must be > 0 (found -1)"),
            (.pareto(shape: 2, scale: 0), "scale must be > 0 (found 0)"),
            (.erlang(k: 0, mean: 1), "k must be >= 1 (found 0)"),
            (.erlang(k: 2, mean: -1), "mean must be > 0 (found -1)"),
            (.hyperexponential(probabilities: [], means: []), "probabilities must not be empty"),
            (
                .hyperexponential(probabilities: [0.5, 0.5], means: [1]),
                "probabilities and means must have the same length (found 2 and 1)"
            ),
            (.hyperexponential(probabilities: [0.5, 0.6], means: [1, 2]), "probabilities must sum to 1 (found 1.1)"),
            (
                .hyperexponential(probabilities: [1.5, -0.5], means: [1, 2]),
                "probabilities[0] must be in [0, 1] (found 1.5)"
            ),
            (.hyperexponential(probabilities: [0.5, 0.5], means: [1, 0]), "means[1] must be > 0 (found 0)"),
            (.empirical(samples: []), "samples must not be empty"),
            (.empirical(samples: [1, -2]), "samples[1] must be >= 0 (found -2)"),
        ] as [(Distribution, String)])
    func validation(_ d: Distribution, _ message: String) {
        #expect(d.validate() == message)
    }

    @Test("probabilities may miss 1 by up to 1e-9")
    func probabilityTolerance() {
        #expect(Distribution.hyperexponential(probabilities: [0.3, 0.7 + 5e-10], means: [1, 2]).validate() == nil)
        #expect(Distribution.hyperexponential(probabilities: [0.3, 0.7 + 5e-9], means: [1, 2]).validate() != nil)
    }

    @Test("deterministic draws nothing; the truncated normal never goes below 0")
    func edgeCases() {
        let store = StreamStore(seed: 1)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "e", purpose: .service)
        let before = stream.counter
        #expect(Distribution.deterministic(value: 0.5).sample(stream) == 0.5)
        #expect(stream.counter == before)
        let n = Distribution.normal(mean: 0.001, sd: 10)
        for _ in 0..<10_000 { #expect(n.sample(stream) >= 0) }
    }

    @Test("lognormal draws equal gsl_ran_lognormal's, bit for bit")
    func lognormalMatchesGSL() {
        let store = StreamStore(seed: 20_261_204)
        defer { withExtendedLifetime(store) {} }
        let stream = store.stream(path: "x", purpose: .service)
        for (mean, cv) in [(1e-3, 0.1), (0.2, 1.0), (3.0, 2.5), (7e3, 0.5)] {
            stream.seat(replication: 2, entity: 9)
            let ours = (0..<10_000).map { _ in Distribution.lognormal(mean: mean, cv: cv).sample(stream) }
            stream.seat(replication: 2, entity: 9)
            let s2 = log1p(cv * cv)
            let gsl = (0..<10_000).map { _ in gsl_ran_lognormal(stream.rng, log(mean) - s2 / 2, s2.squareRoot()) }
            #expect(ours.map(\.bitPattern) == gsl.map(\.bitPattern), "mean \(mean), cv \(cv)")
        }
    }
}
