import Foundation
import Testing
import Theory

/// The law of a visit's wait (`WaitLaw`) against references computed apart: closed forms for
/// M/M/1 and M/M/c, and for M/M/c/K the stationary chain summed in 40 digits (mpmath) and its
/// quantiles found by bisection there.
@Suite struct WaitLawTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    @Test("M/M/1 and M/M/c: P(W > t) = C·e^{−(cμ − λ)t}, its quantiles in closed form")
    func erlangC() throws {
        let mm1 = try #require(WaitLaw(servers: 1, arrivalRate: 900, meanService: 0.001))
        #expect(Self.close(mm1.waitProbability, 0.9) && Self.close(mm1.rate, 100))
        #expect(Self.close(mm1.quantile(0.99), log(90) / 100))
        #expect(mm1.quantile(0.05) == 0)
        #expect(Self.close(mm1.survival(0.02), 0.9 * exp(-2.0)))
        #expect(Self.close(mm1.mean, 0.009))
        let mm8 = try #require(WaitLaw(servers: 8, arrivalRate: 7_200, meanService: 0.001))
        let c = ErlangC.probabilityOfWaiting(servers: 8, load: 7.2)
        #expect(Self.close(mm8.quantile(0.999), log(c / 0.001) / 800))
        #expect(Self.close(mm8.mean, ErlangC.meanWait(servers: 8, arrivalRate: 7_200, meanService: 0.001)))
        #expect(WaitLaw(servers: 2, arrivalRate: 2_000, meanService: 0.001) == nil, "at capacity")
    }

    @Test("M/M/c/K, an admitted request's wait: P(wait), mean and quantiles against the chain in 40 digits")
    func finite() throws {
        // (c, places, λ, P(wait), mean, p50, p90, p99, p999)
        let cases: [(Int, Int, Double, Double, Double, [Double])] = [
            (
                2, 4, 1_800, 0.665519078552844, 0.000788211458838539,
                [0.000448001554463684, 0.00214391577349874, 0.00390456517016508, 0.00544733225136664]
            ),
            (
                1, 20, 1_500, 0.99989973701209, 0.0180042110454922,
                [0.0178041517861724, 0.0243192029165349, 0.0303879994382279, 0.0353065122097215]
            ),
            (
                4, 30, 3_600, 0.780420682338112, 0.00169194588498637,
                [0.00105432128654242, 0.00450349509234865, 0.00766080460155557, 0.00959758696838779]
            ),
        ]
        for (c, m, lambda, waits, mean, quantiles) in cases {
            let q = try #require(FiniteQueue(servers: c, waitingRoom: m, arrivalRate: lambda, meanService: 0.001))
            let law = try #require(WaitLaw(q))
            #expect(law.phaseWeights.count == m)
            #expect(Self.close(law.waitProbability, waits, 1e-12), "c \(c), m \(m)")
            #expect(Self.close(law.mean, mean, 1e-12) && Self.close(law.mean, q.meanWait, 1e-12), "c \(c), m \(m)")
            for (p, x) in zip([0.5, 0.9, 0.99, 0.999], quantiles) {
                #expect(Self.close(law.quantile(p), x, 1e-10), "c \(c), m \(m), p \(p): \(law.quantile(p)) vs \(x)")
                #expect(Self.close(law.survival(law.quantile(p)), 1 - p, 1e-9))
            }
        }
    }

    @Test("a long bounded queue far beyond capacity: the tail's Poisson terms stay finite")
    func longQueue() throws {
        let q = try #require(FiniteQueue(servers: 1, waitingRoom: 10_000, arrivalRate: 3_000, meanService: 0.001))
        let law = try #require(WaitLaw(q))
        // Almost every admitted request finds the line nearly full: it waits about 10⁴ services
        // of 1 ms, 10 s with a standard deviation of 0.1 s, so its p99 is near 10 + 2.33 × 0.1.
        let p99 = law.quantile(0.99)
        #expect(p99.isFinite && p99 > 10.15 && p99 < 10.3, "\(p99)")
        #expect(Self.close(law.mean, q.meanWait, 1e-9))
        // Beyond the places a law is built for, none (validate stays quick).
        let longer = try #require(
            FiniteQueue(servers: 1, waitingRoom: WaitLaw.maximumPlaces + 1, arrivalRate: 3_000, meanService: 0.001))
        #expect(WaitLaw(longer) == nil)
        // Non-increasing up to rounding: the survival sums 10⁴ Poisson terms whose logarithms
        // reach 10⁴·log x, so it carries a relative error of about 10⁻¹¹ where it is near 1.
        var last = 1.0
        for t in stride(from: 0.0, through: 12, by: 0.25) {
            let s = law.survival(t)
            #expect(s.isFinite && s <= last * (1 + 1e-9), "t \(t): \(s) after \(last)")
            last = s
        }
    }

    @Test("a line far longer than it gets below capacity keeps its law: M/M/1 with 100,000 places is M/M/1's")
    func unusedPlaces() throws {
        let q = try #require(FiniteQueue(servers: 1, waitingRoom: 100_000, arrivalRate: 900, meanService: 0.001))
        let law = try #require(WaitLaw(q))
        // ρ = 0.9: ρʲ falls under 10⁻¹⁸ from j = 394 on.
        #expect(law.phaseWeights.count == 394)
        let mm1 = try #require(WaitLaw(servers: 1, arrivalRate: 900, meanService: 0.001))
        #expect(Self.close(law.waitProbability, mm1.waitProbability, 1e-12))
        #expect(Self.close(law.mean, q.meanWait, 1e-12) && Self.close(law.mean, mm1.mean, 1e-12))
        for p in [0.5, 0.9, 0.99, 0.999] { #expect(Self.close(law.quantile(p), mm1.quantile(p), 1e-9), "p \(p)") }
        // Near capacity the weights fall too slowly: 0.9999ʲ reaches 10⁻¹⁸ after 414,000 places.
        let slow = try #require(
            FiniteQueue(servers: 1, waitingRoom: 100_000, arrivalRate: 999.9, meanService: 0.001))
        #expect(WaitLaw(slow) == nil)
        // Beyond capacity, and at it, every place counts.
        let over = try #require(FiniteQueue(servers: 1, waitingRoom: 20_000, arrivalRate: 1_100, meanService: 0.001))
        #expect(WaitLaw(over) == nil)
    }

    @Test("GI/M/c: its law is the renewal queue's exponential tail")
    func renewal() throws {
        let q = try #require(
            RenewalQueue(gaps: RenewalGaps(source: .gamma(rate: 3_200, cv: 2)), servers: 4, meanService: 0.001))
        let law = try #require(WaitLaw(q))
        for p in [0.5, 0.9, 0.99] { #expect(Self.close(law.quantile(p), q.waitQuantile(p), 1e-12)) }
        #expect(Self.close(law.mean, q.meanWait, 1e-12))
    }

    @Test("weights that are negative, not finite or sum beyond 1 make no law")
    func invalid() {
        #expect(WaitLaw(phaseWeights: [0.5, -0.1], rate: 1) == nil)
        #expect(WaitLaw(phaseWeights: [0.7, 0.4], rate: 1) == nil)
        #expect(WaitLaw(phaseWeights: [.nan], rate: 1) == nil)
        #expect(WaitLaw(phaseWeights: [0.5], rate: 0) == nil)
        #expect(WaitLaw(phaseWeights: [], rate: 1)?.quantile(0.99) == 0)
    }
}
