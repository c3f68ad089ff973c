import CapSimTestSupport
import Foundation
import Testing
import Theory

/// Erlang-A: an overloaded pool kept stable by abandonment.
@Suite("Erlang-A: abandonment with exponential patience")
struct ErlangATests {
    /// P(abandon) of M/M/n+M from its birth-death chain: births λ, deaths min(j, n)μ + (j − n)⁺θ;
    /// abandonments per second are θ·E[(N − n)⁺], so P(abandon) = θ·E[(N − n)⁺]/λ. The chain is
    /// summed until its terms vanish (they fall faster than geometrically once (j − n)θ > λ).
    static func abandonment(servers n: Int, arrival λ: Double, service μ: Double, patience θ: Double) -> Double {
        θ * waiting(servers: n, arrival: λ, service: μ, patience: θ).queue / λ
    }

    /// M/M/n+M's stationary means: E[(N − n)⁺] (requests waiting) and P(N ≥ n) (an arrival waits).
    static func waiting(
        servers n: Int, arrival λ: Double, service μ: Double, patience θ: Double
    ) -> (
        queue: Double, waits: Double
    ) {
        var p = 1.0
        var total = 1.0
        var queued = 0.0
        var busy = 0.0
        var j = 0
        while true {
            j += 1
            p *= λ / (Double(min(j, n)) * μ + Double(max(j - n, 0)) * θ)
            total += p
            queued += Double(max(j - n, 0)) * p
            if j >= n { busy += p }
            if j > n && p < 1e-18 * total { break }
        }
        return (queued / total, busy / total)
    }

    @Test(
        "a server-side queue timeout with exponential patience is Erlang-A: drops, waits of all requests, P(wait), queue"
    )
    func serverQueueTimeout() throws {
        let run = try Run("erlang-a-server.yaml", ["horizon=60s", "warmup=5s", "replications=10"])
        expectConservation(run)
        let theory = Self.abandonment(servers: 4, arrival: 480, service: 100, patience: 50)
        let (queue, waits) = Self.waiting(servers: 4, arrival: 480, service: 100, patience: 50)
        run.expectMatches("queue.pool.timed_out.rate", theory)
        // Every error is a drop from the line.
        run.expectMatches("errors.timeout.rate", theory)
        run.expectMatches("queue.pool.mean", queue)
        // The waits cover every visit, dropped ones included: Little's law on the line.
        run.expectMatches("hop.pool.wait.mean", queue / 480)
        run.expectMatches("hop.pool.wait.probability", waits)
        run.expectMatches("utilization.pool", 480 * (1 - theory) / 400)
        // The station serves what it does not drop; the dropped visits count in its waits only.
        run.expectMatches("arrival_rate.pool", 480)
        run.expectMatches("throughput.pool", 480 * (1 - theory))
    }

    @Test(
        "a fixed queue timeout: nobody waits longer, a dropped request waits exactly the timeout; errors name the key")
    func fixedQueueTimeout() throws {
        let run = try Run(
            "erlang-a-server.yaml", ["horizon=20s", "warmup=2s", "replications=2", "components.pool.timeout=15ms"])
        expectConservation(run)
        for (m, d) in zip(run.values("hop.pool.wait.max"), run.values("queue.pool.timed_out.rate")) {
            #expect(m == 0.015)
            #expect(d > 0.05)
        }
        #expect(run.values("hop.pool.self.max").allSatisfy { $0 > 0.015 })
        // Blamed on the pool that dropped it, in a chain of synchronous calls too (the caller's
        // worker is released when the request fails below it).
        for mode in ["pipeline", "synchronous"] {
            let chain = try Run(
                yaml: """
                    version: 1
                    name: blame
                    horizon: 20s
                    warmup: 2s
                    replications: 2
                    workload:
                      arrivals: {process: poisson, rate: 900/s}
                      mode: \(mode)
                    components:
                      front: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}}
                      back: {kind: server_pool, timeout: 2ms, service: {exponential: {mean: 1ms}}}
                    """)
            expectConservation(chain)
            #expect(chain.values("errors.timeout.rate").allSatisfy { $0 > 0.05 })
            #expect(chain.values("errors.at.back.rate") == chain.values("errors.timeout.rate"))
            #expect(chain.values("errors.at.front.rate").allSatisfy { $0 == 0 })
        }
        let ps = capsim([
            "validate", scenarioPath("erlang-a-server.yaml"), "--set", "components.pool.discipline=processor_sharing",
        ])
        #expect(ps.status == 65)
        #expect(
            ps.err.contains(
                "components.pool.timeout: a queue timeout needs a waiting line: processor sharing has no waiting line (every admitted request is in service); remove timeout"
            ), "\(ps.err)")
        let unlimited = capsim([
            "validate", scenarioPath("erlang-a-server.yaml"), "--set", "components.pool.workers=unlimited",
        ])
        #expect(
            unlimited.err.contains(
                "components.pool.timeout: a queue timeout needs a waiting line: with 'workers: unlimited' nothing waits for a worker; remove timeout"
            ), "\(unlimited.err)")
    }

    @Test(
        "a fixed queue timeout is M/M/c+D: the share dropped, the waits of all requests, P(wait), the line, utilisation"
    )
    func fixedPatience() throws {
        let run = try Run(
            "erlang-a-server.yaml", ["horizon=60s", "warmup=5s", "replications=10", "components.pool.timeout=15ms"])
        expectConservation(run)
        let q = try #require(
            ImpatientQueue(servers: 4, arrivalRate: 480, meanService: 0.01, patience: .fixed(0.015)))
        run.expectMatches("queue.pool.timed_out.rate", q.abandonment)
        run.expectMatches("hop.pool.wait.mean", q.meanWait)
        run.expectMatches("hop.pool.wait.probability", q.waitProbability)
        run.expectMatches("queue.pool.mean", q.meanWaiting)
        run.expectMatches("utilization.pool", q.utilization)
    }

    @Test("validate and the run's (theory) columns give Erlang-A's figures, exact, and call the overload stable")
    func theory() throws {
        // The library's chain against the one above.
        let q = try #require(
            ImpatientQueue(servers: 4, arrivalRate: 480, meanService: 0.01, patience: .exponential(mean: 0.02)))
        #expect(abs(q.abandonment - Self.abandonment(servers: 4, arrival: 480, service: 100, patience: 50)) < 1e-12)
        let server = capsim(["validate", scenarioPath("erlang-a-server.yaml")])
        #expect(
            server.out.contains(
                "  pool: offered 480.00/s, utilisation 120.0 %, M/M/4+M (Erlang-A: exponential patience, mean 20.000 ms): 23.96 % give up waiting (timeout), utilisation 91.3 % carried, mean wait 4.791 ms (those giving up included)\n"
            ), "\(server.out)")
        let clients = capsim(["validate", scenarioPath("erlang-a.yaml")])
        #expect(
            clients.out.contains(
                "  pool: offered 480.00/s, utilisation 120.0 %, M/M/4+M (the clients' exponential patience, mean 20.000 ms): 23.96 % give up waiting (timeout; drop_expired skips them), utilisation 91.3 % carried\n"
            ), "\(clients.out)")
        // A client that retries what the pool drops adds arrivals: an estimate, marked ≈.
        let retried = capsim([
            "validate", scenarioPath("erlang-a-server.yaml"), "--set",
            "workload.client={timeout: 10s, retries: {max: 2, backoff: constant, base: 10ms}}",
        ])
        #expect(
            retried.out.contains(
                "M/M/4+M (Erlang-A: exponential patience, mean 20.000 ms): ≈ 23.96 % give up waiting (timeout), utilisation ≈ 91.3 % carried"
            ), "\(retried.out)\(retried.err)")
        let fixed = capsim(["validate", scenarioPath("erlang-a-server.yaml"), "--set", "components.pool.timeout=15ms"])
        #expect(fixed.out.contains("M/M/4+D (patience 15.000 ms): 20.08 % give up waiting (timeout)"), "\(fixed.out)")
        // Without drop_expired nothing leaves the line: 120 % is unstable.
        let growing = capsim([
            "validate", scenarioPath("erlang-a.yaml"), "--set", "components.pool.drop_expired=false",
        ])
        #expect(
            growing.out.contains("utilisation 120.0 %  — UNSTABLE: offered load exceeds capacity"), "\(growing.out)")
        // Another patience distribution: stable, but no model.
        let lognormal = capsim([
            "validate", scenarioPath("erlang-a-server.yaml"), "--set",
            "components.pool.timeout={lognormal: {mean: 20ms, cv: 1}}",
        ])
        #expect(lognormal.status == 0)
        // Below capacity its wait is Erlang C's with the drops left out: an estimate.
        let below = capsim([
            "validate", scenarioPath("erlang-a-server.yaml"), "--set",
            "components.pool.timeout={lognormal: {mean: 20ms, cv: 1}}", "--set", "workload.arrivals.rate=300/s",
        ])
        #expect(below.out.contains("utilisation 75.0 %, mean wait ≈ 5.094 ms (Erlang C, M/M/4)\n"), "\(below.out)")
        #expect(
            lognormal.out.contains(
                "utilisation 120.0 %  — OVERLOADED: at least 16.7 % of its requests leave unserved (timeout)\n"),
            "\(lognormal.out)")
    }

    @Test("the formula: no patience limit at low load means almost nobody abandons; its value for the shipped scenario")
    func formula() {
        #expect(Self.abandonment(servers: 4, arrival: 100, service: 100, patience: 0.001) < 1e-6)
        #expect(abs(Self.abandonment(servers: 4, arrival: 480, service: 100, patience: 50) - 0.2396) < 0.0005)
    }

    @Test("Scenarios/erlang-a.yaml at 120 % load: the share of requests dropped as abandoned matches Erlang-A")
    func erlangA() throws {
        let run = try Run("erlang-a.yaml", ["horizon=60s", "warmup=5s", "replications=10"])
        expectConservation(run)
        let theory = Self.abandonment(servers: 4, arrival: 480, service: 100, patience: 50)
        run.expectMatches("attempts.dropped.rate", theory)
        // Everyone else is served: the pool is busy with 480 (1 − P(ab)) requests/s.
        run.expectMatches("utilization.pool", 480 * (1 - theory) / 400)
        // The servers' process is Erlang-A's: an arrival waits when every worker is busy.
        let (_, waits) = Self.waiting(servers: 4, arrival: 480, service: 100, patience: 50)
        run.expectMatches("hop.pool.wait.probability", waits)
    }

    @Test("without drop_expired the pool serves abandoned requests for nobody and its queue grows without bound")
    func withoutDropping() throws {
        let run = try Run(
            "erlang-a.yaml", ["horizon=20s", "warmup=2s", "replications=3", "components.pool.drop_expired=false"])
        // Every request is served, so 120 % of capacity: the pool is saturated and the timeouts
        // turn almost every request into an error.
        for u in run.values("utilization.pool") { #expect(u > 0.999) }
        for a in run.values("availability.request") { #expect(a < 0.05) }
    }
}
