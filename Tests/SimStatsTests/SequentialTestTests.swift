import InfraModel
import SimStats
import Testing

/// The statistics behind SLO verdicts and comparisons, on values chosen by hand (the gate as a
/// whole is tested on simulations in CapSimTests' SLO gate suite).
@Suite("Sequential test, paired differences, Student t")
struct SequentialTestTests {
    /// Replications whose only metric (index 0) takes `values` in turn.
    func results(_ values: [Double]) -> [ReplicationResult] {
        values.enumerated().map { r, v in
            ReplicationResult(
                replication: r, values: [v], histograms: [],
                outcome: RunOutcome(events: 0, arrivals: 0, successes: 0, errors: [], fingerprint: 0, unstable: false))
        }
    }

    @Test("the upper tail inverts the quantile; a real df agrees with the integer one")
    func studentT() {
        for df in [1, 4, 30] {
            let q = StudentT.quantile(0.975, degreesOfFreedom: df)
            #expect(abs(StudentT.upperTail(q, degreesOfFreedom: df) - 0.025) < 1e-12)
            #expect(StudentT.quantile(0.975, realDegreesOfFreedom: Double(df)) == q)
        }
        #expect(StudentT.upperTail(1, degreesOfFreedom: 0).isNaN)
        #expect(StudentT.quantile(0, realDegreesOfFreedom: 3).isNaN)
    }

    @Test("a paired difference skips pairs with a NaN and needs two pairs")
    func pairedDifference() throws {
        let pairs: [(baseline: Double, design: Double)] = [(1, 2), (2, 4), (.nan, 1), (3, 5)]
        let d = try #require(PairedDifference(pairs: pairs))
        #expect(d.count == 3)
        #expect(abs(d.baselineMean - 2) < 1e-15 && abs(d.mean - 11.0 / 3) < 1e-15)
        #expect(abs(d.difference - 5.0 / 3) < 1e-15)
        // Differences 1, 2, 2: s = 1/√3, so the half-width is t_{0.975, 2}·(1/√3)/√3 = t/3.
        #expect(abs(d.halfWidth95 - StudentT.critical95(degreesOfFreedom: 2) / 3) < 1e-12)
        #expect(d.unpairedHalfWidth95 > d.halfWidth95)
        #expect(PairedDifference(pairs: pairs.prefix(1) + pairs[2...2]) == nil)
    }

    @Test("a pooled estimate is the centre; its gap to the mean widens the interval and shrinks the distance")
    func pooledLook() {
        let values = [8.0, 9, 10, 11, 12]  // mean 10, s = √2.5
        let h = SequentialTest.Hypothesis(metric: 0, threshold: 15, isMaximum: true)
        let se = 2.5.squareRoot() / 5.0.squareRoot()
        let t = StudentT.quantile(0.975, degreesOfFreedom: 4)
        let (_, outcomes) = SequentialTest(hypotheses: [h], alpha: 0.05).run(
            looks: [5], pooled: { _ in [11] }, run: { Array(results(values)[$0]) })
        let look = outcomes[0].look
        #expect(look.estimate == 11)
        #expect(abs(look.upper - (11 + t * se + 1)) < 1e-12 && abs(look.lower - (11 - t * se - 1)) < 1e-12)
        // Distance to the threshold 15 − 11 = 4, less the gap 1.
        #expect(abs(look.pValue - 2 * StudentT.upperTail(3 / se, degreesOfFreedom: 4)) < 1e-15)
        #expect(look.keepsBound == true)
        // Without a pooled estimate the same values test their mean, 5 from the threshold.
        let plain = SequentialTest(hypotheses: [h], alpha: 0.05).run(looks: [5]) { Array(results(values)[$0]) }
        #expect(plain.outcomes[0].look.estimate == 10)
        #expect(abs(plain.outcomes[0].look.pValue - 2 * StudentT.upperTail(5 / se, degreesOfFreedom: 4)) < 1e-15)
        // A gap wider than the distance leaves nothing to reject on.
        let wide = SequentialTest(hypotheses: [h], alpha: 0.05).run(
            looks: [5], pooled: { _ in [16] }, run: { Array(results(values)[$0]) })
        #expect(wide.outcomes[0].look.pValue == 1)
        #expect(wide.outcomes[0].look.keepsBound == false)
    }

    @Test("a clear case is rejected at the first look; one at its threshold stays undecided")
    func decisions() {
        let values = (0..<20).map { 10 + Double($0 % 5) - 2 }  // mean 10, s ≈ 1.45
        let test = SequentialTest(
            hypotheses: [
                SequentialTest.Hypothesis(metric: 0, threshold: 20, isMaximum: true),
                SequentialTest.Hypothesis(metric: 0, threshold: 10, isMaximum: true),
            ], alpha: 0.05)
        let looks = [5, 10, 20]
        var batches: [Range<Int>] = []
        let (run, outcomes) = test.run(looks: looks) { range in
            batches.append(range)
            return Array(results(values)[range])
        }
        #expect(batches == [0..<5, 5..<10, 10..<20])
        #expect(run.count == 20)
        guard case .rejected(look: 0, looks: 3, replications: 5, _) = outcomes[0].decision else {
            Issue.record("\(outcomes[0].decision)")
            return
        }
        #expect(outcomes[0].look.keepsBound == true)
        #expect(outcomes[1].decision == .undecided(replications: 20))
        #expect(outcomes[1].look.pValue > 0.99 && outcomes[1].look.replications == 20)
        #expect(abs(SequentialTest.spending(looks: looks, alpha: 0.05).reduce(0, +) - 0.05) < 1e-15)
    }
}
