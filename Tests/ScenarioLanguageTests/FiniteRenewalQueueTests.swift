import Foundation
import Testing
import Theory

/// GI/M/c/K (`FiniteRenewalQueue`) against M/M/c/K's birth–death chain for Poisson gaps,
/// against GI/M/c (Takács) as the room grows, and against references computed apart: the
/// embedded chain's transitions as a matrix exponential of the death process (scipy's `expm`,
/// integrated over the gamma gap's density), its stationary law by a dense solve.
@Suite struct FiniteRenewalQueueTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    @Test("Poisson gaps, whole or thinned, give M/M/c/K: arrivals see time averages")
    func poisson() throws {
        for (c, room) in [(1, 0), (1, 5), (2, 3), (4, 10), (8, 0), (8, 20)] {
            for rho in [0.3, 0.8, 1.0, 1.6] {
                let s = 0.001
                let lambda = rho * Double(c) / s
                for kept in [1.0, 0.4] {
                    let q = try #require(
                        FiniteRenewalQueue(
                            gaps: RenewalGaps(source: .poisson(rate: lambda / kept), kept: kept), servers: c,
                            capacity: c + room, meanService: s))
                    let m = try #require(
                        FiniteQueue(servers: c, waitingRoom: room, arrivalRate: lambda, meanService: s))
                    let label = "c \(c), room \(room), ρ \(rho), kept \(kept)"
                    #expect(Self.close(q.blocking, m.blocking, 1e-9), "\(label): \(q.blocking) against \(m.blocking)")
                    #expect(Self.close(q.utilization, m.utilization, 1e-9), "\(label)")
                    #expect(abs(q.waitProbability - m.waitProbability) <= 1e-9, "\(label)")
                    #expect(abs(q.meanWait - m.meanWait) <= 1e-9 * s, "\(label)")
                    #expect(Self.close(q.meanInSystem, m.meanInSystem, 1e-9), "\(label)")
                }
            }
        }
    }

    @Test("a large room gives GI/M/c's figures (Takács)")
    func unbounded() throws {
        for gaps in [
            RenewalGaps(source: .constant(rate: 3200)), RenewalGaps(source: .gamma(rate: 3200, cv: 2)),
            RenewalGaps(source: .poisson(rate: 6400), every: 2), RenewalGaps(source: .constant(rate: 6400), kept: 0.5),
        ] {
            let open = try #require(RenewalQueue(gaps: gaps, servers: 4, meanService: 0.001))
            let q = try #require(FiniteRenewalQueue(gaps: gaps, servers: 4, capacity: 1_500, meanService: 0.001))
            #expect(q.blocking < 1e-12, "\(gaps)")
            #expect(
                Self.close(q.waitProbability, open.waitProbability, 1e-7),
                "\(gaps): \(q.waitProbability) against \(open.waitProbability)")
            #expect(Self.close(q.meanWait, open.meanWait, 1e-7), "\(gaps): \(q.meanWait) against \(open.meanWait)")
        }
    }

    @Test("constant and gamma gaps against the embedded chain by matrix exponentials")
    func references() throws {
        // (gaps, c, K) → blocking, P(wait), mean wait (s), utilisation; μ = 1000/s.
        let cases: [(RenewalGaps, Int, Int, [Double])] = [
            (
                RenewalGaps(source: .constant(rate: 900)), 1, 5,
                [0.0519172834694124, 0.701152788917543, 0.00153848154878696, 0.853274444877529]
            ),
            (
                RenewalGaps(source: .constant(rate: 3000)), 4, 10,
                [0.00218708480513376, 0.296118436129712, 0.000150207769355018, 0.74835968639615]
            ),
            (
                RenewalGaps(source: .gamma(rate: 3000, cv: 2)), 4, 10,
                [0.120670049348899, 0.576521034826844, 0.000468597373454486, 0.659497462988326]
            ),
            (
                RenewalGaps(source: .gamma(rate: 1500, cv: 0.5)), 2, 6,
                [0.0212749482982697, 0.464080842034833, 0.000446868595112111, 0.734043788776298]
            ),
            (
                RenewalGaps(source: .gamma(rate: 5000, cv: 2)), 4, 8,
                [0.34242335181582, 0.69788071622013, 0.000471744212119054, 0.821970810230226]
            ),
        ]
        for (gaps, c, k, expected) in cases {
            let q = try #require(FiniteRenewalQueue(gaps: gaps, servers: c, capacity: k, meanService: 0.001))
            let got = [q.blocking, q.waitProbability, q.meanWait, q.utilization]
            for (g, e) in zip(got, expected) {
                #expect(Self.close(g, e, 1e-7), "\(gaps), c \(c), K \(k): \(got) against \(expected)")
            }
        }
    }

    @Test("over capacity the room fills and turns the excess away; no figures past its bounds")
    func bounds() throws {
        let q = try #require(
            FiniteRenewalQueue(
                gaps: RenewalGaps(source: .constant(rate: 3000)), servers: 2, capacity: 12, meanService: 0.001))
        #expect(q.utilization < 1 && q.utilization > 0.99, "\(q.utilization)")
        #expect(Self.close(q.blocking, 1 - 2.0 / 3, 1e-3), "\(q.blocking)")
        #expect(
            FiniteRenewalQueue(
                gaps: RenewalGaps(source: .constant(rate: 3000)), servers: 2, capacity: 2_001, meanService: 0.001)
                == nil)
        #expect(
            FiniteRenewalQueue(
                gaps: RenewalGaps(source: .constant(rate: 3000)), servers: 3, capacity: 2, meanService: 0.001) == nil)
    }
}
