import CapSimTestSupport
import Foundation
import Testing
import Theory

/// `capsim size`: against Erlang C on M/M/c (the fewest workers meeting a mean-wait or a p99-wait
/// SLO), against brute force on a two-tier design priced per instance, and its errors.
@Suite("Capacity sizing")
struct SizeCommandTests {
    /// An M/M/c scenario: Poisson at `rate`, exponential service of mean `mean` seconds, c
    /// workers, one SLO.
    func mmc(rate: Double, mean: Double, slo: String) throws -> String {
        let file = temporaryDirectory().appendingPathComponent("mmc.yaml")
        try """
        version: 1
        name: mmc
        horizon: 10m
        warmup: 30s
        replications: {min: 5, max: 40, until: slo-decided}
        seed: 3
        workload:
          arrivals: {process: poisson, rate: \(rate)/s}
        components:
          pool: {kind: server_pool, workers: 1, queue: unlimited, service: {exponential: {mean: \(mean)s}}, cost: 0.05/h}
        slos:
          - \(slo)
        """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// The answer line's value of `path`, or nil.
    func answer(_ out: String, _ path: String) -> String? {
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix("cheapest passing: ") }) else {
            return nil
        }
        let settings = line.dropFirst("cheapest passing: ".count).split(separator: " — ")[0]
        return settings.split(separator: ", ").first { $0.hasPrefix(path + "=") }.map {
            String($0.dropFirst(path.count + 1))
        }
    }

    /// The fewest servers whose Erlang C mean wait is at most `target` seconds.
    func erlangMean(rate: Double, mean: Double, target: Double) -> Int {
        var c = Int((rate * mean).rounded(.down)) + 1
        while ErlangC.meanWait(servers: c, arrivalRate: rate, meanService: mean) > target { c += 1 }
        return c
    }

    /// The fewest servers whose 99th percentile of the wait, from P(W > t) = C·e^(−(cμ − λ)t),
    /// is at most `target` seconds.
    func erlangP99(rate: Double, mean: Double, target: Double) -> Int {
        var c = Int((rate * mean).rounded(.down)) + 1
        while true {
            let waiting = ErlangC.probabilityOfWaiting(servers: c, load: rate * mean)
            let p99 = waiting <= 0.01 ? 0 : log(waiting / 0.01) / (Double(c) / mean - rate)
            if p99 <= target { return c }
            c += 1
        }
    }

    @Test(
        "M/M/c: the fewest workers Erlang C gives",
        arguments: [
            // 8 Erlangs, mean wait ≤ 5 ms: 8.17 ms at 11, 3.50 ms at 12 (shipped as sizing.yaml).
            (80.0, 0.1, "mean", 0.005),
            // 9 Erlangs, mean wait ≤ 10 ms: 17.7 ms at 12, 7.9 ms at 13.
            (45.0, 0.2, "mean", 0.010),
            // 9 Erlangs, p99 wait ≤ 75 ms: 94 ms at 11, 55 ms at 12.
            (180.0, 0.05, "p99", 0.075),
        ])
    func erlang(rate: Double, mean: Double, statistic: String, target: Double) throws {
        let file = try mmc(
            rate: rate, mean: mean, slo: "{metric: hop.pool.wait.\(statistic), max: \(target * 1000)ms}")
        let r = capsim(["size", file, "--vary", "components.pool.workers=1..64", "--jobs", "2"])
        #expect(r.status == 0, "\(r.err)")
        let expected =
            statistic == "mean"
            ? erlangMean(rate: rate, mean: mean, target: target) : erlangP99(rate: rate, mean: mean, target: target)
        #expect(answer(r.out, "components.pool.workers") == String(expected), "\(r.out)")
    }

    @Test("the rule of thumb 'utilisation under 75 %' is one worker short where Erlang C is not")
    func naiveRuleDiffers() {
        let naive = Int((80 * 0.1 / 0.75).rounded(.up))
        #expect(naive == 11 && erlangMean(rate: 80, mean: 0.1, target: 0.005) == 12)
        let shipped = capsim(["size", scenarioPath("sizing.yaml"), "--vary", "components.pool.workers=1..64", "-q"])
        #expect(shipped.status == 0 && answer(shipped.out, "components.pool.workers") == "12", "\(shipped.out)")
    }

    /// Web and app pools priced per instance; the SLO is on the end-to-end p99. The web tier
    /// calls the app tier and holds its worker meanwhile, so either more web or more app
    /// instances bring the p99 down: the cheapest passing design is a trade-off between them.
    func twoTier() throws -> String {
        let file = temporaryDirectory().appendingPathComponent("two-tier.yaml")
        try """
        version: 1
        name: two-tier
        horizon: 5m
        warmup: 30s
        replications: {min: 5, max: 20, until: slo-decided}
        seed: 5
        workload:
          arrivals: {process: poisson, rate: 300/s}
          classes: [{name: request, weight: 1, path: [web, app]}]
        components:
          web: {kind: server_pool, instances: 1, workers: 4, queue: unlimited, service: {exponential: {mean: 20ms}}, cost: 0.10/h}
          app: {kind: server_pool, instances: 1, workers: 4, queue: unlimited, service: {exponential: {mean: 40ms}}, cost: 0.25/h}
        slos:
          - {metric: latency.p99, max: 400ms}
        """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test("two axes: the cheapest passing setting of a brute-force grid of 'capsim check' runs")
    func bruteForce() throws {
        let file = try twoTier()
        let r = capsim([
            "size", file, "--vary", "components.web.instances=4..9", "--vary", "components.app.instances=3..8",
            "--jobs", "2",
        ])
        #expect(r.status == 0, "\(r.err)")
        var best: (cost: Double, web: Int, app: Int)?
        for web in 4...9 {
            for app in 3...8 {
                let check = capsim([
                    "check", file, "--set", "components.web.instances=\(web)", "--set",
                    "components.app.instances=\(app)", "--jobs", "2", "-q",
                ])
                let cost = 0.10 * Double(web) + 0.25 * Double(app)
                if check.status == 0, best.map({ cost < $0.cost }) ?? true { best = (cost, web, app) }
            }
        }
        #expect(best != nil)
        #expect(answer(r.out, "components.web.instances") == best.map { String($0.web) }, "\(r.out)")
        #expect(answer(r.out, "components.app.instances") == best.map { String($0.app) }, "\(r.out)")
        #expect(r.out.split(separator: "\n").filter { $0.hasPrefix("probe ") }.count < 36, "fewer probes than the grid")
    }

    @Test("probes as CSV and JSON; exit 1 when nothing in range passes")
    func outputsAndNoAnswer() throws {
        let dir = temporaryDirectory()
        let csv = dir.appendingPathComponent("probes.csv").path
        let json = dir.appendingPathComponent("probes.json").path
        let r = capsim([
            "size", scenarioPath("sizing.yaml"), "--vary", "components.pool.workers=9..16", "--csv", csv, "--json",
            json, "-q",
        ])
        #expect(r.status == 0 && r.out == "cheapest passing: components.pool.workers=12 — cost.monthly 36.50 USD\n")
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(
            rows.first
                == "probe,components.pool.workers,verdict,replications,cost.monthly,cost.monthly.hw95,answer,slo.hop.pool.wait.mean.max"
        )
        #expect(rows.contains { $0.hasPrefix("") && $0.contains(",12,PASS,") && $0.contains(",yes,") })
        let object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect((object?["answer"] as? [String: String]) == ["components.pool.workers": "12"])
        #expect((object?["probes"] as? [Any])?.count == rows.count - 1)

        let none = capsim(["size", scenarioPath("sizing.yaml"), "--vary", "components.pool.workers=1..10", "-q"])
        #expect(none.status == 1 && none.out == "no setting in range passes every SLO\n", "\(none.out)\(none.err)")
    }

    @Test("bad uses are refused with the reason")
    func errors() throws {
        let usage = capsim(["size", scenarioPath("sizing.yaml"), "--vary", "components.pool.workers=9..3"])
        #expect(
            usage.status == 64 && usage.err.contains("expected whole numbers MIN..MAX with MIN ≤ MAX"), "\(usage.err)")
        let noVary = capsim(["size", scenarioPath("sizing.yaml")])
        #expect(noVary.status == 64 && noVary.err.contains("size needs at least one --vary"))
        let noSLOs = capsim(["size", scenarioPath("mm1.yaml"), "--vary", "components.server.workers=1..4"])
        #expect(noSLOs.status == 65 && noSLOs.err.contains("slos: nothing to size for"), "\(noSLOs.err)")
        let typo = capsim(["size", scenarioPath("sizing.yaml"), "--vary", "components.pool.wrokers=1..4"])
        #expect(typo.status == 65 && typo.err.contains("wrokers"), "\(typo.err)")
        let unpriced = try mmc(rate: 10, mean: 0.1, slo: "{metric: hop.pool.wait.mean, max: 5ms}")
        let text = try String(contentsOfFile: unpriced, encoding: .utf8).replacingOccurrences(
            of: ", cost: 0.05/h", with: "")
        try text.write(toFile: unpriced, atomically: true, encoding: .utf8)
        let twoAxes = capsim([
            "size", unpriced, "--vary", "components.pool.workers=1..4", "--vary", "components.pool.instances=1..2",
        ])
        #expect(twoAxes.status == 65 && twoAxes.err.contains("give the components prices"), "\(twoAxes.err)")
    }

    @Test("a probe cut at --max-events stops the search with exit 65: its verdict would steer it wrongly")
    func eventLimited() {
        let r = capsim([
            "size", scenarioPath("sizing.yaml"), "--vary", "components.pool.workers=9..16", "--max-events", "1000",
        ])
        #expect(r.status == 65, "\(r.err)")
        #expect(r.err.contains("replication(s) stopped at --max-events 1000"), "\(r.err)")
        #expect(!r.out.contains("cheapest passing"), "\(r.out)")
    }
}
