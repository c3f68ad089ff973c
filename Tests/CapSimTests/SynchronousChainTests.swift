import CapSimTestSupport
import Foundation
import ScenarioLanguage
import Testing
import Theory

/// A closed population through a synchronous chain, each caller holding its worker through its
/// calls (`SynchronousChain`): exact where no caller runs out of workers (tested against a
/// birth–death chain and the simulation), an estimate where one does.
@Suite struct SynchronousChainTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    static func scenario(users: Int, web: String, db: String = "1") -> String {
        """
        version: 1
        name: chain
        horizon: 200s
        warmup: 20s
        replications: 10
        seed: 5
        workload:
          arrivals: {process: closed, users: \(users), think: {exponential: {mean: 1s}}}
          classes:
            - name: q
              path: [web, db]
        components:
          web: {kind: server_pool, workers: \(web), service: {exponential: {mean: 5ms}}}
          db: {kind: server_pool, workers: \(db), service: {exponential: {mean: 15ms}}}
        """
    }

    @Test(
        "callers that never run out of workers: the users' think and the callers' service are one infinite server beside the callee"
    )
    func productForm() throws {
        // N users, think Z, callers of service S1 with enough workers, callee of c workers and
        // service S2: P(n at the callee) ∝ (Z + S1)^(N − n)/(N − n)! · Π_(l ≤ n) S2/min(l, c).
        for (n, c, callers) in [(60, 1, nil), (30, 2, 40), (5, 1, 5)] as [(Int, Int, Int?)] {
            let (z, s1, s2) = (1.0, 0.005, 0.015)
            var logs: [Double] = []
            var product = 0.0
            for k in 0...n {
                if k > 0 { product += log(s2 / Double(min(k, c))) }
                logs.append(Double(n - k) * log(z + s1) - lgamma(Double(n - k + 1)) + product)
            }
            let top = logs.max()!
            let p = logs.map { exp($0 - top) }
            let sum = p.reduce(0, +)
            let law = p.map { $0 / sum }
            let x = law.enumerated().reduce(0) { $0 + $1.1 * Double(min($1.0, c)) / s2 }
            let waiting = law.enumerated().reduce(0) { $0 + $1.1 * Double(max(0, $1.0 - c)) }
            let chain = try #require(
                SynchronousChain(
                    stages: [.init(workers: callers, meanService: s1), .init(workers: c, meanService: s2)], users: n,
                    think: z))
            #expect(chain.exact)
            #expect(Self.close(chain.throughput, x, 1e-10), "\(n), \(c): \(chain.throughput) against \(x)")
            #expect(Self.close(chain.meanWait(1), waiting / x, 1e-9), "\(n), \(c)")
            #expect(chain.meanWait(0) < 1e-12 * s1, "\(n), \(c): the callers never run out")
            // The callers hold a worker for their service and the callee's sojourn.
            let hold = s1 + waiting / x + s2
            if let callers { #expect(Self.close(chain.utilization(0)!, x * hold / Double(callers), 1e-9)) }
        }
    }

    @Test("the simulation where the model is exact: 60 users, unlimited callers, one callee worker")
    func simulated() throws {
        let run = try Run(yaml: Self.scenario(users: 60, web: "unlimited"))
        let (chain, order) = try #require(run.scenario.model.synchronousChain())
        #expect(order == [0, 1] && chain.exact)
        run.expectMatches("throughput", chain.throughput)
        run.expectMatches("hop.db.wait.mean", chain.meanWait(1))
        run.expectMatches("utilization.db", try #require(chain.utilization(1)))
        run.expectMatches("latency.mean", chain.responseTime)
        expectConservation(run)
    }

    @Test("callers that run out of workers: the line moves up to them, which MVA over independent stations misses")
    func limitedCallers() throws {
        let spec = try ScenarioLoader.parse(yaml: Self.scenario(users: 40, web: "1")).model
        let (chain, _) = try #require(spec.synchronousChain())
        #expect(!chain.exact)
        // One caller worker lets one request at a time reach the callee: it never waits.
        #expect(chain.meanWait(1) == 0 && Self.close(chain.throughput, 37.507, 1e-4), "\(chain.throughput)")
        let loads = spec.offeredLoad()
        #expect(loads[1].closedWait?.meanWait == 0 && loads[1].closedWait?.exact == false)
        // The caller's busy share is its holders', below 1 (the open equivalent would put it
        // past 1: each caller held through the callee's open-model wait).
        let four = try ScenarioLoader.parse(yaml: Self.scenario(users: 60, web: "4")).model
        let u = try #require(four.offeredLoad()[0].utilization)
        #expect(u < 1 && Self.close(u, 0.6741, 1e-3), "\(u)")
    }

    @Test("validate's lines name the model and mark the estimate")
    func text() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let limited = dir.appendingPathComponent("limited.yaml")
        try Self.scenario(users: 40, web: "1").write(to: limited, atomically: true, encoding: .utf8)
        let out = capsim(["validate", limited.path]).out
        #expect(
            out.contains(
                "  closed workload (≈ by flow-equivalent servers: each caller holds its worker through its calls): 40 users thinking 1.000 s on average: throughput 37.51/s, response time 66.371 ms\n"
            ), "\(out)")
        #expect(
            out.contains(
                "  db: offered 37.51/s, utilisation 56.3 %, mean wait ≈ 0 ms (synchronous chain, closed workload)"),
            "\(out)")
        let exact = dir.appendingPathComponent("exact.yaml")
        try Self.scenario(users: 60, web: "unlimited").write(to: exact, atomically: true, encoding: .utf8)
        let json = capsim(["validate", exact.path, "--format", "json"]).out
        #expect(json.contains("\"method\": \"synchronous_chain\""), "\(json)")
        #expect(json.contains("\"exact\": true"), "\(json)")
    }
}
