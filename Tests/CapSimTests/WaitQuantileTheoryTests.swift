import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import Testing
import Theory

/// The wait's exact law (`ModelSpec.exactWaitLaws`) against the simulation: the measured
/// percentiles of `hop.<c>.wait` against the law's quantiles where theory gives the law in full
/// (M/M/c, GI/M/c, M/M/c/K), and no law where it does not.
@Suite struct WaitQuantileTheoryTests {
    static let short = ["horizon=100s", "warmup=10s", "replications=10"]

    static func law(_ run: Run, _ station: Int = 0) throws -> WaitLaw {
        try #require(run.scenario.model.exactWaitLaws()[station])
    }

    @Test("M/M/8 at ρ = 0.9: the wait's p90, p95, p99 and p999 by Erlang C")
    func mmc() throws {
        let run = try Run("mmc.yaml", Self.short)
        let law = try Self.law(run)
        let c = ErlangC.probabilityOfWaiting(servers: 8, load: 7.2)
        #expect(abs(law.quantile(0.99) - log(c / 0.01) / 800) < 1e-12)
        for (id, p) in [("p90", 0.9), ("p95", 0.95), ("p99", 0.99), ("p999", 0.999)] {
            run.expectMatches("hop.pool.wait.\(id)", law.quantile(p))
        }
        expectConservation(run)
    }

    @Test("M/M/2/5: an admitted request's wait, an Erlang mixture, at its p50, p90 and p99")
    func mmck() throws {
        let run = try Run("mmck.yaml", Self.short)
        let law = try Self.law(run)
        let q = try #require(FiniteQueue(servers: 2, waitingRoom: 3, arrivalRate: 2_400, meanService: 0.001))
        #expect(law.phaseWeights.count == 3 && abs(law.mean - q.meanWait) < 1e-15)
        for (id, p) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
            run.expectMatches("hop.pool.wait.\(id)", law.quantile(p))
        }
        run.expectMatches("hop.pool.wait.mean", law.mean)
    }

    @Test("GI/M/4 with gamma gaps of cv 2: Takács's exponential tail")
    func renewal() throws {
        let run = try Run("gm4-bursty.yaml", Self.short)
        let law = try Self.law(run)
        for (id, p) in [("p90", 0.9), ("p99", 0.99)] {
            run.expectMatches("hop.pool.wait.\(id)", law.quantile(p))
        }
    }

    @Test("no law where theory has only the mean, or not even that")
    func inexact() throws {
        func laws(_ file: String, _ sets: [String]) throws -> [WaitLaw?] {
            try ScenarioLoader.load(path: scenarioPath(file), overrides: sets.map { try Override(parsing: $0) }).model
                .exactWaitLaws()
        }
        #expect(try laws("mm1.yaml", [])[0] != nil)
        // M/G/1: Pollaczek–Khinchine gives the mean wait exactly, not its law.
        #expect(try laws("mg1-lognormal.yaml", [])[0] == nil)
        // The order of service moves the law, not the mean.
        #expect(try laws("mm1.yaml", ["components.server.discipline=lifo"])[0] == nil)
        // Power of two choices: a mean-field estimate of the mean wait alone.
        #expect(
            try laws("mmc.yaml", ["components.pool.instances=2", "components.pool.balance=power_of_two"])[0] == nil)
        // Round robin over multi-worker instances: each sees every other arrival, Erlang gaps
        // (GI/M/c, exact).
        #expect(
            try laws("mmc.yaml", ["components.pool.instances=2", "components.pool.balance=round_robin"])[0] != nil)
        // A tandem: exact at every station (a Jackson network).
        #expect(try laws("tandem.yaml", []).allSatisfy { $0 != nil })
        // Closed users do not arrive as a Poisson stream.
        #expect(try laws("closed-users.yaml", []).allSatisfy { $0 == nil })
    }

    @Test("the run's component table and its HTML report put the wait's p99 by theory beside the measured one")
    func table() throws {
        let dir = temporaryDirectory()
        let html = dir.appendingPathComponent("mm1.html").path
        let r = capsim([
            "run", scenarioPath("mm1.yaml"), "--set", "horizon=40s", "--set", "replications=2", "--html", html,
        ])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(
            lines.contains("component instances utilisation (theory) wait mean (theory) wait p99 (theory) self p99"),
            "\(r.out)")
        let row = try #require(lines.first { $0.hasPrefix("server ") })
        #expect(row.contains(" 9.000 ms ") && row.contains(" 44.998 ms "), "\(row)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("44.998 ms"))
        // M/G/1: no law, so no column for it.
        let lognormal = capsim([
            "run", scenarioPath("mg1-lognormal.yaml"), "--set", "horizon=40s", "--set", "replications=2",
        ])
        #expect(
            lognormal.out.contains("wait p99") && !lognormal.out.contains("wait p99   (theory)"), "\(lognormal.out)")
    }

    @Test("validate prints the exact wait's p99 and its JSON the quantiles; the run's JSON has wait_p99_theory")
    func output() throws {
        let text = capsim(["validate", scenarioPath("mm1.yaml")])
        #expect(
            text.out.hasSuffix(
                "  server: offered 900.00/s, utilisation 90.0 %, mean wait 9.000 ms (Erlang C, M/M/1), wait p99 44.998 ms\n"
            ), "\(text.out)")
        let lognormal = capsim(["validate", scenarioPath("mg1-lognormal.yaml")])
        #expect(!lognormal.out.contains("wait p99"), "\(lognormal.out)")
        let json = capsim(["validate", scenarioPath("mm1.yaml"), "--format", "json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let station = try #require((parsed["stations"] as? [[String: Any]])?.first)
        let quantiles = try #require(station["wait_quantiles"] as? [String: Double])
        #expect(Set(quantiles.keys) == ["p50", "p90", "p95", "p99", "p999"])
        #expect(abs(try #require(quantiles["p99"]) - log(90) / 100) < 1e-12)
        #expect(abs(try #require(quantiles["p50"]) - log(1.8) / 100) < 1e-12)
    }
}
