import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import Testing
import Theory

/// Closed workloads: users who think between requests, against the finite-source birth–death
/// chain, Engset's loss formula and product-form MVA.
@Suite("Closed workloads: users, think times and MVA")
struct ClosedWorkloadTests {
    /// M/M/c//N with exponential think time Z and service S: requests in the system form a
    /// birth–death chain with births (N − n)/Z and deaths min(n, c)/S. Returns the throughput,
    /// the mean in the system, the mean waiting and the utilisation.
    static func finiteSource(
        users: Int, think: Double, service: Double, servers c: Int
    ) -> (throughput: Double, inSystem: Double, waiting: Double, utilization: Double) {
        var p = [1.0]
        for n in 1...users { p.append(p[n - 1] * (Double(users - n + 1) / think) / (Double(min(n, c)) / service)) }
        let total = p.reduce(0, +)
        let inSystem = p.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element } / total
        let waiting = p.enumerated().reduce(0.0) { $0 + Double(max($1.offset - c, 0)) * $1.element } / total
        let busy = p.enumerated().reduce(0.0) { $0 + Double(min($1.offset, c)) * $1.element } / total
        return (busy / service, inSystem, waiting, busy / Double(c))
    }

    @Test("a closed workload on one M/M/4 station is the finite-source chain: throughput, response time, waits, L")
    func finiteSourceChain() throws {
        let run = try Run("closed-users.yaml", ["horizon=5m", "warmup=30s", "replications=10"])
        expectConservation(run)
        let t = Self.finiteSource(users: 60, think: 2, service: 0.12, servers: 4)
        run.expectMatches("throughput", t.throughput)
        run.expectMatches("arrival_rate", t.throughput)
        run.expectMatches("utilization.app", t.utilization)
        run.expectMatches("in_system.mean", t.inSystem)
        run.expectMatches("queue.app.mean", t.waiting)
        // Little's law on the chain: R = L / X, the wait Lq / X.
        run.expectMatches("latency.mean", t.inSystem / t.throughput)
        run.expectMatches("hop.app.wait.mean", t.waiting / t.throughput)
        // Never more requests in flight than users.
        #expect(run.values("in_system.p999").allSatisfy { $0 <= 60 })
        // MVA, exact here, gives the chain's figures.
        let (_, figures, waits) = try #require(run.scenario.model.closedWorkload())
        #expect(figures.exact)
        #expect(abs(figures.populations[0].throughput - t.throughput) < 1e-9 * t.throughput)
        #expect(abs(figures.populations[0].responseTime - t.inSystem / t.throughput) < 1e-9)
        #expect(abs((waits[0] ?? 0) - t.waiting / t.throughput) < 1e-9)
    }

    @Test("the printed 95 % intervals cover the finite-source chain's figures 95 % of the time (300 seeds)")
    func coverage() throws {
        // As `IntervalCoverageTests`: the covering runs are Binomial(300, 0.95), accepted in
        // 271 … 299 (3.9 sd either side), which also fails an interval so wide it always covers.
        let t = Self.finiteSource(users: 60, think: 2, service: 0.12, servers: 4)
        let truth = [
            ("throughput", t.throughput), ("latency.mean", t.inSystem / t.throughput),
            ("utilization.app", t.utilization), ("in_system.mean", t.inSystem),
            ("hop.app.wait.mean", t.waiting / t.throughput),
        ]
        var covered = Array(repeating: 0, count: truth.count)
        for seed in 1000..<1300 {
            let run = try Run(
                "closed-users.yaml", ["horizon=3m", "warmup=30s", "replications=10", "seed=\(seed)"])
            for (k, (id, value)) in truth.enumerated() {
                let e = try #require(run.summary[id], "no \(id)")
                let hw = try #require(e.halfWidth95, "\(id) has no interval")
                if abs(e.value - value) <= hw { covered[k] += 1 }
            }
        }
        for (k, (id, value)) in truth.enumerated() {
            #expect((271...299).contains(covered[k]), "\(id): covered \(value) in \(covered[k]) of 300 runs")
        }
    }

    @Test("one server is the machine-repairman model; lognormal think times change nothing (insensitivity)")
    func machineRepairman() throws {
        for think in ["{exponential: {mean: 1s}}", "{lognormal: {mean: 1s, cv: 2}}"] {
            let run = try Run(
                yaml: """
                    version: 1
                    name: repairman
                    horizon: 4m
                    warmup: 20s
                    replications: 10
                    workload:
                      arrivals: {process: closed, users: 20, think: \(think)}
                    components:
                      server: {kind: server_pool, instances: 1, workers: 1, queue: unlimited,
                               service: {exponential: {mean: 80ms}}}
                    """)
            expectConservation(run)
            let t = Self.finiteSource(users: 20, think: 1, service: 0.08, servers: 1)
            run.expectMatches("throughput", t.throughput)
            run.expectMatches("latency.mean", t.inSystem / t.throughput)
            run.expectMatches("utilization.server", t.utilization)
            let mva = try #require(run.scenario.model.closedWorkload()).figures
            #expect(abs(mva.populations[0].throughput - t.throughput) < 1e-9 * t.throughput)
            // The interactive response time law: X = N / (Z + R).
            #expect(abs(mva.populations[0].throughput * (1 + mva.populations[0].responseTime) - 20) < 1e-9)
        }
    }

    @Test("users turned away think again: a closed loss system is Engset's")
    func engset() throws {
        let run = try Run(
            yaml: """
                version: 1
                name: engset
                horizon: 5m
                warmup: 20s
                replications: 10
                workload:
                  arrivals: {process: closed, users: 30, think: {exponential: {mean: 1s}}}
                components:
                  lines: {kind: server_pool, instances: 1, workers: 4, queue: 0,
                          service: {lognormal: {mean: 100ms, cv: 1.5}}}
                """)
        expectConservation(run)
        // Call congestion with N sources, c servers, β = S/Z per idle source (insensitive to
        // the holding time's distribution): C(N−1, c)β^c / Σ_{i≤c} C(N−1, i)β^i.
        func choose(_ n: Int, _ k: Int) -> Double { (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) } }
        let beta = 0.1
        let terms = (0...4).map { choose(29, $0) * pow(beta, Double($0)) }
        let blocking = terms[4] / terms.reduce(0, +)
        run.expectMatches("queue.lines.full.rate", blocking)
        run.expectMatches("errors.queue_full.rate", blocking)
    }

    /// Throughput of a product-form closed network by convolution: stations with demands D_k and
    /// m_k servers (nil: a delay), think time Z; X(N) = G(N − 1) / G(N).
    static func convolution(users: Int, think: Double, stations: [(demand: Double, servers: Int?)]) -> Double {
        func factor(_ d: Double, _ m: Int?, _ n: Int) -> Double {
            (1...max(n, 1)).reduce(1.0) { f, j in j > n ? f : f * d / Double(m.map { min(j, $0) } ?? j) }
        }
        var g: [Double] = (0...users).map { (n: Int) -> Double in
            let factorial: Double = (1...max(n, 1)).reduce(1.0) { $1 > n ? $0 : $0 * Double($1) }
            return pow(think, Double(n)) / factorial
        }
        for s in stations {
            let f = (0...users).map { factor(s.demand, s.servers, $0) }
            g = (0...users).map { n in (0...n).reduce(0.0) { $0 + g[n - $1] * f[$1] } }
        }
        return g[users - 1] / g[users]
    }

    @Test("exact MVA matches the product form's normalising constant; Schweitzer's approximation comes close")
    func mvaAgainstConvolution() throws {
        let stations: [(demand: Double, servers: Int?)] = [(0.03, 1), (0.08, 3), (0.02, nil), (0.05, 2)]
        for users in [1, 2, 5, 17, 60] {
            let network = ClosedNetwork(
                populations: [
                    .init(
                        users: users, think: 0.5, baseResponse: stations.reduce(0) { $0 + $1.demand },
                        demands: stations.map(\.demand))
                ], servers: stations.map(\.servers))
            let exact = try #require(network.solve())
            let x = Self.convolution(users: users, think: 0.5, stations: stations)
            #expect(exact.exactMVA)
            #expect(abs(exact.throughputs[0] - x) < 1e-9 * x, "N=\(users): MVA \(exact.throughputs[0]) vs \(x)")
            #expect(abs(exact.throughputs[0] * (0.5 + exact.responseTimes[0]) - Double(users)) < 1e-9 * Double(users))
            let approx = try #require(network.schweitzer())
            #expect(
                abs(approx.throughputs[0] - x) < 0.06 * x, "N=\(users): Schweitzer \(approx.throughputs[0]) vs \(x)")
        }
    }

    @Test("validate prints MVA's figures, exact where the network is product form")
    func validateText() throws {
        let result = capsim(["validate", scenarioPath("closed-users.yaml")])
        #expect(result.status == 0)
        #expect(
            result.out.contains(
                """
                  closed workload (MVA, exact): 60 users thinking 2.000 s on average: throughput 27.38/s, response time 191.616 ms
                  app: offered 27.38/s, utilisation 82.1 %, mean wait 71.616 ms (MVA, closed workload)

                """), "\(result.out)")
        let json = capsim(["validate", scenarioPath("closed-users.yaml"), "--format", "json"])
        let report = try #require(
            JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any], "\(json.out)")
        let closed = try #require(report["closed_workload"] as? [String: Any])
        #expect(closed["exact"] as? Bool == true)
        let population = try #require((closed["populations"] as? [[String: Any]])?.first)
        #expect(population["name"] as? String == "workload")
        #expect(population["users"] as? Double == 60)
        #expect(population["think"] as? Double == 2)
        let t = Self.finiteSource(users: 60, think: 2, service: 0.12, servers: 4)
        #expect(abs((population["throughput"] as? Double ?? 0) - t.throughput) < 1e-9 * t.throughput)
        #expect(abs((population["response_time"] as? Double ?? 0) - t.inSystem / t.throughput) < 1e-9)
        // Past the knee the bottleneck nears 100 % but is never called unstable.
        let crowded = capsim(["validate", scenarioPath("closed-users.yaml"), "--set", "workload.arrivals.users=400"])
        #expect(crowded.status == 0)
        #expect(!crowded.out.contains("UNSTABLE"), "\(crowded.out)")
        #expect(crowded.out.contains("throughput 33.33/s"), "\(crowded.out)")
    }

    @Test("a closed workload's mistakes are located errors")
    func errors() {
        let head = "version: 1\nname: x\nhorizon: 1m\nworkload:\n"
        let pool = "components:\n  a: {kind: server_pool, workers: 1, service: {exponential: {mean: 1ms}}}\n"
        #expect(
            problems(head + "  arrivals: {process: closed, users: 0, think: 1s}\n" + pool).contains {
                $0.contains("workload.arrivals.users") && $0.contains("expected")
            })
        #expect(
            problems(head + "  arrivals: {process: closed, users: 5}\n" + pool).contains {
                $0.contains("missing required key 'think' (process: closed)")
            })
        #expect(
            problems(head + "  arrivals: {process: closed, users: 5, think: 0s}\n" + pool).contains {
                $0.contains("workload.arrivals.think: expected a think time with a mean above 0")
            })
        #expect(
            problems(head + "  arrivals: {process: closed, users: 5, think: 1s, rate: 5/s}\n" + pool).contains {
                $0.contains("'rate' applies only to process")
            })
        #expect(
            problems(head + "  arrivals: {process: poisson, rate: 5/s, users: 5}\n" + pool).contains {
                $0.contains("'users' applies only to process: closed")
            })
        #expect(
            problems(
                head
                    + "  arrivals: {process: closed, users: 5, think: 1s}\n  profile: {diurnal: {peak: 2, trough: 0.5}}\n"
                    + pool
            ).contains { $0.contains("a rate profile multiplies Poisson arrivals only, found process: closed") })
    }
}
