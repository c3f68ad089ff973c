import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import Testing
import Theory

/// `tls:`: the CPU of handshakes and record encryption added to each request's service where
/// TLS terminates — its mean and variance against the mixture's, theory's load with it, and
/// common random numbers (turning TLS on changes no other draw).
@Suite("TLS termination")
struct TLSTests {
    static func scenario(_ tls: String?, service: String = "{deterministic: 1ms}") -> String {
        """
        version: 1
        name: tls
        horizon: 1m
        warmup: 0s
        replications: 8
        seed: 5
        workload:
          arrivals: {process: poisson, rate: 1000/s}
        components:
          api:
            kind: server_pool
            workers: 64
            service: \(service)
        \(tls.map { "    tls: " + $0 } ?? "")
        """
    }

    @Test(
        "a handshake share p of cost h adds p·h to the mean holding time, and the mixture's variance",
        arguments: [
            // p = 1/4 full handshakes of 2 ms: + 0.5 ms; variance 0.25·4 − 0.25 = 0.75 ms².
            ("{handshake: 2ms, requests_per_connection: 4}", 0.0005, 0.75e-6),
            // 1/4 full (2 ms), 1/4 resumed (0.5 ms), 0.1 ms per request: + 0.725 ms;
            // variance 0.25·4 + 0.25·0.25 − 0.625² = 0.671875 ms².
            (
                "{handshake: 2ms, resumption: 0.5ms, resumed: 50%, per_request: 100us, requests_per_connection: 2}",
                0.000725, 0.671875e-6
            ),
        ])
    func meanAndVariance(_ tls: String, _ added: Double, _ variance: Double) throws {
        let run = Run(try ScenarioLoader.parse(yaml: Self.scenario(tls)))
        run.expectMatches("hop.api.self.mean", 0.001 + added)
        run.expectMatches("hop.api.self.stddev", variance.squareRoot())
        // Theory: the offered load counts the TLS CPU.
        let load = run.scenario.model.offeredLoad()[0]
        #expect(abs((load.utilization ?? 0) - 1000 * (0.001 + added) / 64) < 1e-12)
        #expect(abs((run.scenario.model.stations[0].tls?.costVariance ?? 0) - variance) < 1e-15)
    }

    @Test("with rtt, a request opening a connection first spends its handshake's round trips: latency, not a hop")
    func roundTrips() throws {
        // 1/4 full handshakes (2 ms of CPU, 2 round trips of 40 ms), 1/4 resumed (0.5 ms, 1 round
        // trip): + 0.625 ms at the component, + 40 ms · (0.25 · 2 + 0.25 · 1) = 30 ms before it.
        let tls =
            "{handshake: 2ms, resumption: 0.5ms, resumed: 50%, requests_per_connection: 2, rtt: 40ms, round_trips: 2, resumed_round_trips: 1}"
        let yaml = Self.scenario(tls)
        let run = Run(try ScenarioLoader.parse(yaml: yaml))
        #expect(abs((run.scenario.model.stations[0].tls?.meanRoundTripDelay ?? 0) - 0.030) < 1e-15)
        run.expectMatches("hop.api.self.mean", 0.001625)
        run.expectMatches("latency.mean", 0.001625 + 0.030)
        // The round trips and the CPU come from one decision per request: a request's time is
        // 1 ms, 41.5 ms (resumed) or 83 ms (full), never a mix.
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("s.yaml")
        try yaml.replacingOccurrences(of: "horizon: 1m", with: "horizon: 5s").write(
            to: file, atomically: true, encoding: .utf8)
        let trace = dir.appendingPathComponent("t.json").path
        let r = capsim(["run", file.path, "-q", "--trace", trace, "--trace-sample", "1", "--trace-limit", "100000"])
        #expect(r.status == 0, "\(r.err)")
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace))) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        let durations = events.filter { $0["cat"] as? String == "request" }.compactMap { $0["dur"] as? Double }
        #expect(durations.count > 4000)
        let kinds = Set(durations.map { ($0 / 100).rounded() / 10 })
        #expect(kinds == [1.0, 41.5, 83.0], "request times in ms: \(kinds.sorted())")
    }

    @Test("round_trips without rtt is an error")
    func roundTripsNeedRTT() {
        let found = problems(Self.scenario("{handshake: 1ms, round_trips: 2}"))
        #expect(
            found.contains { $0.contains("'round_trips' counts round trips of 'rtt': give the client's round trip") },
            "\(found)")
    }

    @Test("turning TLS on leaves every other draw as it was: service times are the same, request by request")
    func commonRandomNumbers() throws {
        // Exponential service: with TLS every request's time is its old time plus its TLS cost,
        // so the self time never shrinks, and the arrivals (events) are the same.
        let plain = Run(try ScenarioLoader.parse(yaml: Self.scenario(nil, service: "{exponential: {mean: 1ms}}")))
        let tls = Run(
            try ScenarioLoader.parse(
                yaml: Self.scenario(
                    "{handshake: 2ms, requests_per_connection: 4}", service: "{exponential: {mean: 1ms}}")
            ))
        #expect(plain.values("arrival_rate") == tls.values("arrival_rate"))
        let difference = zip(tls.values("hop.api.self.mean"), plain.values("hop.api.self.mean")).map { $0 - $1 }
        // Paired: the difference is the TLS cost alone, whose mean is 0.5 ms (no service noise in it).
        expectMean(difference, 0.0005, label: "paired TLS cost")
    }

    @Test(
        "diagnostics name the key",
        arguments: [
            ("{resumed: 50%}", "error: components.api.tls: missing required key 'handshake'"),
            (
                "{handshake: 2ms, resumed: 150%}",
                "error: components.api.tls.resumed: expected a share such as 99.95% or 0.9995, found '150%'"
            ),
            ("{handshake: 2ms, requests_per_connection: 0.5}", "error: components.api.tls.requests_per_connection"),
            ("{handshake: fast}", "error: components.api.tls.handshake"),
        ])
    func diagnostics(_ tls: String, _ expected: String) {
        let found = problems(Self.scenario(tls))
        #expect(found.contains { $0.contains(expected) }, "\(found)")
    }
}
