import Foundation
import Testing
import Theory

/// GI/M/c (`RenewalQueue`, Takács's formula) against references computed apart: Erlang C and
/// E_k/M/1 where the arrivals are Poisson or Erlang, and 80-digit evaluations of the same
/// formula (mpmath) for constant and gamma gaps, from one server to a thousand. A brute-force
/// solution of the embedded Markov chain at arrivals (gamma gaps by quadrature, c = 2 and 4)
/// agreed with those to 10⁻¹².
@Suite struct RenewalQueueTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    @Test("Poisson gaps give Erlang C at every load, whole numbers of erlangs included (a removable 0/0)")
    func poisson() throws {
        for c in [1, 2, 3, 4, 8, 10, 50] {
            for a in [0.3, 1.0, 2.0, 3.0, 0.75 * Double(c), Double(c) - 1, 0.97 * Double(c)]
            where a > 0 && a < Double(c) {
                let q = try #require(
                    RenewalQueue(gaps: RenewalGaps(source: .poisson(rate: 1000 * a)), servers: c, meanService: 0.001))
                let erlang = ErlangC.probabilityOfWaiting(servers: c, load: a)
                #expect(
                    Self.close(q.waitProbability, erlang, 1e-7), "c \(c), a \(a): \(q.waitProbability) vs \(erlang)")
                #expect(Self.close(q.sigma, a / Double(c), 1e-9))
                #expect(
                    Self.close(
                        q.meanWait, ErlangC.meanWait(servers: c, arrivalRate: 1000 * a, meanService: 0.001), 1e-7))
            }
        }
    }

    @Test("a random share of a Poisson stream is Poisson; every k-th is Erlang-k (E_k/M/1)")
    func thinned() throws {
        let half = try #require(
            RenewalQueue(gaps: RenewalGaps(source: .poisson(rate: 6_000), kept: 0.5), servers: 4, meanService: 0.001))
        #expect(Self.close(half.meanWait, ErlangC.meanWait(servers: 4, arrivalRate: 3_000, meanService: 0.001), 1e-7))
        let eighth = try #require(
            RenewalQueue(gaps: RenewalGaps(source: .poisson(rate: 7_200), every: 8), servers: 1, meanService: 0.001))
        #expect(
            Self.close(eighth.meanWait, BalanceSplit.erlangArrivalsWait(k: 8, arrivalRate: 7_200, meanService: 0.001)))
        // The gaps' c²: p·c² + 1 − p after thinning, then over n.
        #expect(RenewalGaps(source: .constant(rate: 1), kept: 0.5, every: 2).scv == 0.25)
        #expect(RenewalGaps(source: .gamma(rate: 1, cv: 2), kept: 0.25).scv == 1.75)
        #expect(RenewalGaps(source: .gamma(rate: 3_000, cv: 2), kept: 0.5, every: 3).rate == 500)
    }

    @Test(
        "constant and gamma gaps against the formula in 80 digits: σ, P(wait), mean wait",
        arguments: [
            // (source, servers, σ, P(wait), mean wait in seconds), service mean 1 ms.
            (RenewalGaps.Source.constant(rate: 900), 1, 0.8068998328558034, 0.8068998328558034, 0.004178659422149825),
            (.constant(rate: 3_000), 4, 0.5456050165607498, 0.3022360865474849, 0.00016628489395938278),
            (.constant(rate: 950_000), 1_000, 0.9016951100310884, 0.012868674681641283, 1.3090574320067832e-07),
            (.gamma(rate: 3_000, cv: 0.5), 4, 0.6223050251126709, 0.3709008147482588, 0.0002455028789163153),
            (.gamma(rate: 3_000, cv: 2), 4, 0.8940930481110114, 0.7274935798198561, 0.001717294206952564),
            (.gamma(rate: 950_000, cv: 0.5), 1_000, 0.9208164285500862, 0.024530634384803036, 3.097944931710925e-07),
        ])
    func references(_ source: RenewalGaps.Source, _ c: Int, _ sigma: Double, _ waits: Double, _ wait: Double) throws {
        let q = try #require(RenewalQueue(gaps: RenewalGaps(source: source), servers: c, meanService: 0.001))
        #expect(Self.close(q.sigma, sigma, 1e-11), "σ \(q.sigma)")
        #expect(Self.close(q.waitProbability, waits, 1e-8), "P(wait) \(q.waitProbability)")
        #expect(Self.close(q.meanWait, wait, 1e-8), "W \(q.meanWait)")
        // The wait given that it waits is exponential of rate cμ(1 − σ): its quantiles.
        let p = 1 - waits / 10
        #expect(Self.close(q.waitQuantile(p), log(10) / (Double(c) * 1000 * (1 - sigma)), 1e-8))
        #expect(q.waitQuantile((1 - waits) / 2) == 0)
    }

    @Test("no steady state, no figures")
    func bounds() {
        #expect(RenewalQueue(gaps: RenewalGaps(source: .constant(rate: 4_000)), servers: 4, meanService: 0.001) == nil)
        #expect(
            RenewalQueue(gaps: RenewalGaps(source: .gamma(rate: 1_000, cv: 2)), servers: 0, meanService: 0.001) == nil)
        #expect(RenewalQueue(gaps: RenewalGaps(source: .constant(rate: 100)), servers: 1, meanService: 0) == nil)
        #expect(
            RenewalQueue(gaps: RenewalGaps(source: .constant(rate: 1e9)), servers: 2_000_000, meanService: 0.001) == nil
        )
    }
}
