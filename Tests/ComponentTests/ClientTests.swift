import CapSimTestSupport
import Foundation
import ScenarioLanguage
import SimRandom
import SimStats
import Testing

@testable import InfraModel

/// Client behaviour: timeouts (with the abandoned attempt still served), deadlines, retries with
/// backoff and jitter, and retry budgets.
@Suite("Client timeouts and retries")
struct ClientTests {
    func run(_ file: String, _ sets: [String]) throws -> Run { try Run(file, sets) }

    @Test("a timeout bounds every successful latency; the timed-out attempt is still served (wasted)")
    func timeouts() throws {
        let r = try run(
            "retry-storm.yaml",
            [
                "workload.arrivals.rate=1450/s", "workload.client.retries.max=0",
                "horizon=40s", "warmup=5s", "replications=4",
            ])
        for rep in r.results {
            #expect(rep.outcome.arrivals == rep.outcome.successes + rep.outcome.errors.reduce(0, +))
        }
        #expect(r.summary["latency.max"]!.value <= 0.060)
        let timeouts = r.values("errors.timeout.rate")
        let wasted = r.values("attempts.wasted.rate")
        // Lognormal(16 ms, cv 1) exceeds 60 ms with probability ≈ 2.3 %; queueing adds a little.
        #expect(timeouts.allSatisfy { $0 > 0.015 && $0 < 0.04 })
        // Without retries each timed-out attempt is one wasted attempt (up to attempts cut at the end).
        for (t, w) in zip(timeouts, wasted) { #expect(abs(t - w) < 0.005) }
        r.expectMatches("attempts.mean", 1, floor: 0)
    }

    /// 200 requests/s against lognormal service (mean 16 ms, cv 1) on 32 workers and a 60 ms
    /// timeout: about 2.3 % of attempts time out, every other one is answered well before its
    /// timer expires. An arrival and a service end are two kernel events; each stale timer taking
    /// an event of its own made 3.07 a request. Dropped at the head when the queue re-arms, a run
    /// of stale timers costs one event: 2.18 (timeouts, their retries and the re-arms included).
    @Test("an answered attempt's timer takes no kernel event of its own")
    func staleTimersTakeNoEvents() throws {
        let r = try run(
            "retry-storm.yaml", ["workload.arrivals.rate=200/s", "horizon=20s", "warmup=0s", "replications=2"])
        for rep in r.results {
            let perArrival = Double(rep.outcome.events) / Double(rep.outcome.arrivals)
            #expect(perArrival > 2 && perArrival < 2.4, "\(perArrival) kernel events per arrival")
        }
        #expect(r.values("errors.timeout.rate").allSatisfy { $0 == 0 })
        #expect(r.values("attempts.mean").allSatisfy { $0 > 1.01 && $0 < 1.05 })
        expectConservation(r)
    }

    @Test("a deadline ends the request whatever attempt is running")
    func deadline() throws {
        let r = try run(
            "retry-storm.yaml",
            [
                "workload.arrivals.rate=1450/s", "workload.client={deadline: 30ms}",
                "horizon=30s", "warmup=3s", "replications=3",
            ])
        #expect(r.summary["latency.max"]!.value <= 0.030)
        #expect(r.values("errors.deadline_exceeded.rate").allSatisfy { $0 > 0.05 })
        expectConservation(r)
    }

    @Test("retries amplify attempts; a retried request succeeds with a fresh draw")
    func retries() throws {
        let r = try run(
            "retry-storm.yaml", ["workload.arrivals.rate=1450/s", "horizon=40s", "warmup=5s", "replications=4"])
        // ≈ 2.4 % of attempts time out and are retried, with a fresh service demand: nearly all succeed.
        #expect(r.values("attempts.mean").allSatisfy { $0 > 1.01 && $0 < 1.05 })
        #expect(r.values("availability.request").allSatisfy { $0 > 0.999 })
        expectConservation(r)
    }

    @Test("without a budget retries collapse a busy tier; a retry budget keeps it serving")
    func retryStorm() throws {
        let storm = try run("retry-storm.yaml", ["horizon=60s", "warmup=10s", "replications=4"])
        let budget = try run(
            "retry-storm.yaml",
            [
                "horizon=60s", "warmup=10s", "replications=4",
                "workload.client.retries.budget=10%",
            ])
        #expect(storm.values("availability.request").allSatisfy { $0 < 0.05 })
        #expect(storm.values("attempts.mean").allSatisfy { $0 > 3.5 })
        #expect(budget.values("availability.request").allSatisfy { $0 > 0.6 })
        #expect(budget.values("attempts.mean").allSatisfy { $0 < 1.15 })
        #expect(budget.values("errors.retry_budget_exhausted.rate").allSatisfy { $0 > 0 })
        expectConservation(storm)
        expectConservation(budget)
    }

    @Test("in overload, drop_expired stops serving dead requests and restores goodput")
    func dropExpired() throws {
        // 105 % offered load, a 60 ms timeout, no retries: without drop_expired the queue is full
        // of attempts whose clients left, and nearly every served request is already dead.
        let sets = [
            "workload.client.retries.max=0", "workload.arrivals.rate=2100/s", "horizon=40s", "warmup=10s",
            "replications=4",
        ]
        let served = try run("retry-storm.yaml", sets)
        let dropping = try run("retry-storm.yaml", sets + ["components.web.drop_expired=true"])
        #expect(served.values("availability.request").allSatisfy { $0 < 0.05 })
        #expect(served.values("attempts.dropped.rate").allSatisfy { $0 == 0 })
        #expect(dropping.values("availability.request").allSatisfy { $0 > 0.4 })
        #expect(dropping.values("attempts.dropped.rate").allSatisfy { $0 > 0 })
        expectConservation(served)
        expectConservation(dropping)
        let bad = capsim(["validate", scenarioPath("retry-storm.yaml"), "--set", "components.web.drop_expired=yes"])
        #expect(bad.err.contains("components.web.drop_expired: expected true or false, found 'yes'"))
    }

    @Test(
        "backoff waits follow the policy",
        arguments: [
            (RetryPolicy.Backoff.constant, RetryPolicy.Jitter.none, 3, 0.5, Int64(10_000_000)),
            (.exponential, .none, 3, 0.5, 40_000_000),
            (.exponential, .full, 3, 0.5, 20_000_000),
            (.exponential, .equal, 3, 0.5, 30_000_000),
            (.exponential, .none, 40, 0.5, 1_000_000_000),
        ])
    func backoff(kind: RetryPolicy.Backoff, jitter: RetryPolicy.Jitter, retry: Int, u: Double, expected: Int64) {
        let p = RetryPolicy(maxRetries: 5, backoff: kind, base: .milliseconds(10), cap: .seconds(1), jitter: jitter)
        #expect(p.wait(retry: retry, u: u, previous: 0) == expected)
        let d = RetryPolicy(maxRetries: 5, base: .milliseconds(10), cap: .seconds(1), jitter: .decorrelated)
        // decorrelated: U(base, 3·previous) capped.
        #expect(d.wait(retry: 2, u: 0.5, previous: 20_000_000) == 35_000_000)
    }

    @Test("a random backoff waits fresh draws of its distribution, at most cap")
    func randomBackoff() throws {
        let store = StreamStore(seed: 2026)
        let stream = store.stream(path: "workload.client", purpose: .workload)
        let p = RetryPolicy(maxRetries: 3, cap: .seconds(10), randomBackoff: .exponential(mean: 0.1))
        let n = 20_000
        var waits: [Double] = []
        for k in 0..<n {
            stream.seat(replication: 0, entity: UInt64(k), block: 1 << 8)
            waits.append(Double(p.wait(retry: 1, stream: stream, previous: 0)) * 1e-9)
        }
        // Exponential, mean 100 ms: the mean within 3.9 standard errors (sd = mean), and
        // P(wait > mean) = 1/e within 3.9 binomial standard errors.
        let mean = waits.reduce(0, +) / Double(n)
        #expect(abs(mean - 0.1) <= 3.9 * 0.1 / Double(n).squareRoot(), "mean \(mean)")
        let beyond = Double(waits.filter { $0 > 0.1 }.count) / Double(n)
        let e1 = exp(-1.0)
        #expect(abs(beyond - e1) <= 3.9 * (e1 * (1 - e1) / Double(n)).squareRoot(), "P(> mean) \(beyond)")
        let capped = RetryPolicy(maxRetries: 3, cap: .milliseconds(50), randomBackoff: .exponential(mean: 0.1))
        #expect((0..<1000).allSatisfy { _ in capped.wait(retry: 1, stream: stream, previous: 0) <= 50_000_000 })

        // In a run: decoded, retried after the draws (other waits than the schedule's), every request ends once.
        let sets = ["horizon=20s", "warmup=2s", "replications=2", "workload.arrivals.rate=1450/s"]
        let scheduled = try run("retry-storm.yaml", sets)
        let random = try run(
            "retry-storm.yaml", sets + ["workload.client.retries={max: 3, backoff: {exponential: {mean: 10ms}}}"])
        #expect(random.scenario.model.classes[0].client?.retries?.randomBackoff == .exponential(mean: 0.01))
        #expect(random.values("attempts.mean").allSatisfy { $0 > 1.01 })
        #expect(random.values("latency.p999") != scheduled.values("latency.p999"))
        expectConservation(random)
        let bad = capsim([
            "validate", scenarioPath("retry-storm.yaml"), "--set",
            "workload.client.retries={max: 2, backoff: {exponential: {mean: 10ms}}, jitter: full}",
        ])
        #expect(bad.status == 65)
        #expect(
            bad.err.contains(
                "workload.client.retries.jitter: 'jitter' does not apply to a random backoff (each retry waits a draw of the distribution, at most cap): leave it out"
            ), "\(bad.err)")
    }

    @Test("client settings decode with defaults and errors")
    func decoding() throws {
        let s = try ScenarioLoader.load(path: scenarioPath("retry-storm.yaml"))
        #expect(
            s.model.classes[0].client
                == ClientPolicy(
                    timeout: .milliseconds(60), deadline: nil,
                    retries: RetryPolicy(
                        maxRetries: 3, backoff: .exponential, base: .milliseconds(10), cap: .seconds(10), jitter: .full)
                ))
        let bad = capsim([
            "validate", scenarioPath("retry-storm.yaml"), "--set", "workload.client.retries.jitter=fuzzy",
        ])
        #expect(bad.status == 65)
        #expect(
            bad.err.contains(
                "workload.client.retries.jitter: expected one of none, full, equal, decorrelated, found 'fuzzy'"))
    }
}

@Suite("Metastable failure")
struct MetastableTests {
    @Test("a short spike tips retries without a budget into lasting collapse; a budget recovers; no spike, no collapse")
    func spike() throws {
        // Measured from 20 s after the spike ends (warm-up 100 s) to the horizon.
        let sets = ["horizon=150s", "replications=4"]
        let storm = try Run("metastable-spike.yaml", sets)
        let budget = try Run("metastable-spike.yaml", sets + ["workload.client.retries.budget=10%"])
        let calm = try Run("metastable-spike.yaml", sets + ["workload.profile.spikes.0.factor=1x"])
        for a in storm.values("availability.request") { #expect(a < 0.01, "collapsed after the spike: \(a)") }
        for a in storm.values("attempts.mean") { #expect(a > 3.9, "every request exhausts its retries") }
        for a in budget.values("availability.request") { #expect(a > 0.999, "recovered with a budget: \(a)") }
        for a in calm.values("availability.request") { #expect(a > 0.999, "healthy without the spike: \(a)") }
        expectConservation(storm)
        expectConservation(budget)
    }
}
