import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// Target-tracking autoscaling, checked on the model's scaling log (event traces).
@Suite("Autoscaling")
struct AutoscaleTests {
    static func sec(_ s: Int64) -> SimTime { SimTime(nanoseconds: s * 1_000_000_000) }

    /// One pool of `max` × 4 workers, deterministic 20 ms service (an instance serves 200/s),
    /// Poisson arrivals at `rate` × a step profile (`values` from `times`).
    static func spec(
        _ policy: AutoscalePolicy, rate: Double, times: [Double], values: [Double], horizon: Int64,
        warmup: Int64 = 0, drainFailures: Bool = false
    ) -> ModelSpec {
        var web = StationSpec(
            name: "web", instances: policy.max, workers: 4, queueCapacity: 64, service: .deterministic(value: 0.02))
        web.autoscale = policy
        var spec = ModelSpec(
            stations: [web], classes: [RequestClass(name: "default", path: [0])], arrivals: .poisson(rate: rate),
            window: RunWindow(warmup: sec(warmup), horizon: sec(horizon), drain: .seconds(30)))
        spec.profile = RateProfile(piecewise: .init(times: times, values: values, interpolation: .step))
        return spec
    }

    static func run(
        _ spec: ModelSpec, seed: UInt64 = 1
    ) -> (log: [ScalingLogEntry], sink: RecordingSink, outcome: RunOutcome) {
        var sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: 0)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        var healthy: Int32 = 0
        for i in 0..<sim.instanceCount where sim.instances[i].healthy { healthy += 1 }
        #expect(healthy == sim.stations[0].healthyCount)
        return (sim.scalingLog, sink, outcome)
    }

    @Test("the desired-count rule: ceil(current × metric / target) outside a ±10 % band")
    func desiredRule() {
        let p = AutoscalePolicy(metric: .utilization, target: 0.5, initial: 4, min: 1, max: 20)
        #expect(p.desired(metric: 0.54, basis: 4, current: 4) == 4)  // ratio 1.08: inside the band
        #expect(p.desired(metric: 0.46, basis: 4, current: 4) == 4)  // 0.92: inside
        #expect(p.desired(metric: 0.56, basis: 4, current: 4) == 5)  // 1.12: ⌈4.48⌉
        #expect(p.desired(metric: 0.75, basis: 4, current: 4) == 6)  // 1.5: exactly 6, not 7
        #expect(p.desired(metric: 0.35, basis: 4, current: 4) == 3)  // 0.7: ⌈2.8⌉
        #expect(p.desired(metric: 0.4, basis: 4, current: 4) == 4)  // 0.8: ⌈3.2⌉ = 4, no scale-in
        #expect(p.desired(metric: 0.9, basis: 2, current: 5) == 4)  // from the instances behind the sample
        #expect(p.desired(metric: 0.5, basis: 3, current: 7) == 7)  // on target: keep the current count
    }

    @Test(
        "a step increase gets its first new instance serving exactly at step + interval + lag + provisioning, never beyond max",
        arguments: [1, 2, 3] as [UInt64])
    func stepIncrease(seed: UInt64) {
        // Utilisation 0.25 before the step at 60 s (on the evaluation grid), saturated after.
        let p = AutoscalePolicy(
            metric: .utilization, target: 0.5, initial: 2, min: 2, max: 3,
            interval: .seconds(10), metricLag: .seconds(20), scaleOutCooldown: .zero,
            provisioning: .deterministic(value: 30))
        let (log, sink, outcome) = Self.run(
            Self.spec(p, rate: 100, times: [0, 60], values: [1, 4], horizon: 200), seed: seed)
        expectInvariants(
            Self.spec(p, rate: 100, times: [0, 60], values: [1, 4], horizon: 200), sink, outcome, queues: true)
        // The sample of (60 s, 70 s] is the first to see the step; it is acted on 20 s later.
        let first = log.first { if case .scaleOut = $0.kind { true } else { false } }
        #expect(first?.time == Self.sec(90), "\(log)")
        #expect(first?.kind == .scaleOut(count: 1))  // ⌈2 × ~1 / 0.5⌉ = 4, clamped to max 3
        let ready = log.first { if case .ready = $0.kind { true } else { false } }
        #expect(ready?.time == Self.sec(60 + 10 + 20 + 30))
        #expect(ready?.kind == .ready(instance: 2))
        #expect(log.allSatisfy { $0.held <= 3 && $0.serving <= 3 })
        #expect(!log.contains { if case .scaleIn = $0.kind { true } else { false } })
    }

    @Test("scale-in waits for its cooldown after the last action; drained instances are released after the drain")
    func scaleInCooldown() {
        // 3 instances at utilisation 0.67 until 60 s (above target, but already at max), then 1/8 of that.
        let p = AutoscalePolicy(
            metric: .utilization, target: 0.5, initial: 3, min: 1, max: 3,
            interval: .seconds(10), scaleInCooldown: .seconds(45), scaleInWindow: .zero,
            maxStep: 1, drain: .seconds(5))
        let spec = Self.spec(p, rate: 400, times: [0, 60], values: [1, 0.125], horizon: 200)
        let (log, sink, outcome) = Self.run(spec)
        expectInvariants(spec, sink, outcome, queues: true)
        let decisions = log.filter {
            if case .scaleIn = $0.kind { true } else if case .scaleOut = $0.kind { true } else { false }
        }
        #expect(decisions.map(\.time) == [Self.sec(70), Self.sec(120)], "\(log)")
        #expect(decisions.map(\.kind) == [.scaleIn(count: 1), .scaleIn(count: 1)])
        for (a, b) in zip(decisions, decisions.dropFirst()) { #expect(b.time - a.time >= p.scaleInCooldown) }
        let released = log.filter { if case .released = $0.kind { true } else { false } }
        #expect(released.map(\.time) == [Self.sec(75), Self.sec(125)])
        #expect(released.map(\.kind) == [.released(instance: 2), .released(instance: 1)])
        #expect(log.last?.held == 1 && log.last?.serving == 1)
    }

    @Test("the held-instance integral is the integral of the logged instance count, exactly")
    func heldIntegral() {
        let p = AutoscalePolicy(
            metric: .inFlight, target: 2, initial: 2, min: 1, max: 8, interval: .seconds(5),
            metricLag: .seconds(5), scaleInCooldown: .seconds(20), scaleInWindow: .seconds(20),
            provisioning: .uniform(min: 5, max: 15), drain: .seconds(3))
        let spec = Self.spec(
            p, rate: 200, times: [0, 40, 100, 160], values: [0.5, 3, 1, 0.3], horizon: 240, warmup: 20)
        let (log, sink, _) = Self.run(spec)
        #expect(log.contains { if case .scaleOut = $0.kind { true } else { false } })
        #expect(log.contains { if case .released = $0.kind { true } else { false } })
        let o = sink.opened!
        let c = sink.closed!
        var held = p.initial
        var at = Int64(0)
        var integral = 0.0
        var peak = 0
        func advance(to t: Int64) {
            let from = max(at, o.time.nanoseconds)
            let to = min(t, c.time.nanoseconds)
            if to > from { integral += Double(held) * Double(to - from) }
            at = t
        }
        for e in log {
            advance(to: e.time.nanoseconds)
            held = e.held
            if e.time >= o.time { peak = max(peak, held) }
        }
        advance(to: c.time.nanoseconds)
        let measured = c.heldIntegral[0] - o.heldIntegral[0]
        #expect(abs(measured - integral) <= 1e-12 * integral, "\(measured) vs \(integral)")
        #expect(c.heldPeak[0] == max(peak, log.last { $0.time <= o.time }?.held ?? p.initial))
        #expect(c.scalingActions[0] > o.scalingActions[0])
    }

    @Test(
        "every request ends once under scaling, crashes at the end of short drains and instance failures",
        arguments: [1, 2, 3, 4] as [UInt64])
    func conservation(seed: UInt64) {
        let p = AutoscalePolicy(
            metric: seed % 2 == 0 ? .requestRate : .utilization, target: seed % 2 == 0 ? 60 : 0.5,
            initial: 2, min: 1, max: 6, interval: .seconds(2), metricLag: .seconds(2),
            scaleInCooldown: .seconds(4), scaleInWindow: .seconds(4), maxStep: 2,
            provisioning: .exponential(mean: 3), drain: .milliseconds(10),
            schedule: [(at: Self.sec(30), min: 4), (at: Self.sec(40), min: 1)])
        var spec = Self.spec(p, rate: 150, times: [0, 10, 20, 50], values: [0.3, 3, 0.2, 2], horizon: 70, warmup: 5)
        spec.stations[0].failures = FailureSpec(
            timeToFailure: .exponential(mean: 20), timeToRepair: .exponential(mean: 2), mode: .crash)
        spec.stations[0].healthCheck =
            seed > 2 ? HealthCheck(interval: .seconds(1), unhealthyAfter: 2, healthyAfter: 1) : nil
        spec.classes = [RequestClass(name: "default", path: [0], client: ClientPolicy(timeout: .milliseconds(500)))]
        let (log, sink, outcome) = Self.run(spec, seed: seed)
        expectInvariants(spec, sink, outcome, queues: true)
        #expect(log.count > 4)
        #expect(log.allSatisfy { $0.held <= 6 && $0.held >= 1 })
        // The scheduled minimum: at 30 s at least 4 held at once.
        #expect(
            log.contains { $0.time == Self.sec(30) && $0.held >= 4 }
                || log.last { $0.time <= Self.sec(30) }.map { $0.held >= 4 } == true)
    }
}
