import SimKernel
import SimRandom
import Testing

@testable import InfraModel

/// Crashes and hangs in the middle of call trees, retries and timeouts: every request still
/// ends exactly once and no worker is lost or freed twice.
@Suite("Failures: invariants")
struct FailureInvariantTests {
    @Test("a strand stuck at a hung instance whose caller crashes is freed, not kept for an event that never comes")
    func stalledStrandOfACrashedCaller() {
        // web → db, synchronous. db hangs at 1.05 s while the request that arrived at 1 s is in
        // service there: its service ends during the hang and it stalls (no event pending). web
        // crashes at 1.5 s: that request ends (instance_failed). Nothing refers to its strand any
        // more, so its slot must be freed then; every other request ends by the end of the drain.
        let spec = ModelSpec(
            stations: [
                StationSpec(name: "web", workers: 4, service: .deterministic(value: 0.001)),
                StationSpec(name: "db", workers: 4, service: .deterministic(value: 0.1)),
            ],
            classes: [RequestClass(name: "r", path: [0, 1])],
            arrivals: .constant(rate: 1),
            window: RunWindow(warmup: .zero, horizon: SimTime(nanoseconds: 3_000_000_000), drain: .seconds(10)))
        var events = spec
        events.events = [
            ScheduledEvent(
                at: SimTime(nanoseconds: 1_050_000_000),
                action: .outage([InstanceRef(station: 1, instance: 0)], duration: .seconds(5), mode: .hang)),
            ScheduledEvent(
                at: SimTime(nanoseconds: 1_500_000_000),
                action: .outage([InstanceRef(station: 0, instance: 0)], duration: .milliseconds(500), mode: .crash)),
        ]
        var sim = Simulation<FullModel>(spec: events, streams: StreamStore(seed: 1), replication: 0)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        #expect(outcome.errors[Int(ErrorCause.instanceFailed.rawValue)] >= 1)
        #expect(outcome.arrivals == outcome.successes + outcome.errors.reduce(0, +))
        #expect(sim.requests.liveCount == 0, "\(sim.requests.liveCount) request slot(s) still held after the drain")
    }

    @Test("the occupancy split into batches adds up: each state's batches to its total, each batch to its length")
    func occupancyBatches() {
        // 3 instances failing every 0.3 s (mean) for 0.1 s over 100 s, cut into 7 batches (100 s
        // does not divide into 7 whole nanosecond batches: the last takes the remainder).
        let spec = ModelSpec(
            stations: [
                StationSpec(
                    name: "web", instances: 3, workers: 1, service: .exponential(mean: 0.001),
                    failures: FailureSpec(timeToFailure: .exponential(mean: 0.3), timeToRepair: .exponential(mean: 0.1))
                )
            ],
            classes: [RequestClass(name: "r", path: [0])],
            arrivals: nil,
            window: RunWindow(warmup: .zero, horizon: SimTime(nanoseconds: 100_000_000_000), drain: .zero))
        var sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: 3), replication: 0)
        sim.trackOccupancy(batches: 7)
        var sink = RecordingSink()
        _ = sim.run(into: &sink)
        let total = sim.occupancy
        let batches = sim.occupancyBatches
        #expect(total.map(\.up) == batches.map(\.up) && total.count == 4, "\(total.map(\.up))")
        for (t, b) in zip(total, batches) {
            #expect(b.seconds.count == 7 && abs(b.seconds.reduce(0, +) - t.seconds) <= 1e-9 * 100, "\(t.up)")
        }
        let length = Double(100_000_000_000 / 7) * 1e-9
        for k in 0..<7 {
            let sum = batches.reduce(0) { $0 + $1.seconds[k] }
            let want = k < 6 ? length : 100 - 6 * length
            #expect(abs(sum - want) <= 1e-9 * 100, "batch \(k): \(sum) s, want \(want) s")
        }
    }

    @Test(
        "requests end once and workers balance under crashes, hangs, zone outages and scheduled events in call trees with watched calls",
        arguments: 0..<16)
    func invariants(seed: UInt64) {
        let mode: FailureSpec.Mode = seed % 2 == 0 ? .crash : .hang
        let failures = FailureSpec(
            timeToFailure: .exponential(mean: 0.3), timeToRepair: .exponential(mean: 0.1), mode: mode,
            repairCrews: seed % 4 < 2 ? nil : 1)
        let check = seed % 3 == 0 ? nil : HealthCheck(interval: .milliseconds(20), unhealthyAfter: 2, healthyAfter: 1)
        var stations = [
            StationSpec(
                name: "web", instances: 3, workers: 4, queueCapacity: 8, service: .exponential(mean: 0.001),
                balance: seed % 5 == 0 ? .powerOfTwo : .leastOutstanding, failures: failures, healthCheck: check),
            StationSpec(
                name: "a", instances: 2, workers: 2, queueCapacity: 4, service: .exponential(mean: 0.002),
                balance: .random, dropExpired: seed % 2 == 1, failures: failures, healthCheck: check),
            StationSpec(name: "b", workers: 16, service: .exponential(mean: 0.001)),
        ]
        let calls = [
            CallNode(station: 0, steps: [.parallel([1, 2]), .call(3)]),
            CallNode(
                station: 1, timeout: .milliseconds(15),
                retries: RetryPolicy(maxRetries: 1, base: .milliseconds(1), budget: seed % 2 == 0 ? 0.2 : nil)),
            CallNode(station: 2, steps: [.call(4)]),
            CallNode(station: 1, probability: 0.5, meanCalls: 2),
            CallNode(
                station: 1, probability: 0.3,
                retries: RetryPolicy(maxRetries: 2, base: .milliseconds(2), jitter: .equal)),
        ]
        let client =
            seed % 3 == 2
            ? nil
            : ClientPolicy(timeout: .milliseconds(40), retries: RetryPolicy(maxRetries: 2, base: .milliseconds(1)))
        let baseSpec = ModelSpec(
            stations: stations,
            classes: [
                RequestClass(name: "t", calls: calls, client: client),
                RequestClass(name: "p", weight: 0.3, path: [0, 1], mode: .pipeline),
            ],
            arrivals: .poisson(rate: 600),
            window: RunWindow(warmup: .zero, horizon: SimTime(nanoseconds: 3_000_000_000), drain: .seconds(5)))
        stations[0].zones = [0, 1]
        stations[1].zones = [1]
        var spec = ModelSpec(
            stations: stations, classes: baseSpec.classes, arrivals: baseSpec.arrivals, window: baseSpec.window)
        spec.zones = [
            ZoneSpec(
                name: "a",
                failures: FailureSpec(
                    timeToFailure: .exponential(mean: 1), timeToRepair: .exponential(mean: 0.2), mode: mode)),
            ZoneSpec(name: "b"),
        ]
        spec.events = [
            ScheduledEvent(
                at: SimTime(nanoseconds: 500_000_000),
                action: .outage([InstanceRef(station: 1, instance: 0)], duration: .milliseconds(300), mode: .hang)),
            ScheduledEvent(
                at: SimTime(nanoseconds: 700_000_000),
                action: .degrade([InstanceRef(station: 0, instance: 1)], factor: 3, duration: .milliseconds(500))),
            ScheduledEvent(
                at: SimTime(nanoseconds: 1_000_000_000),
                action: .rolling(
                    station: 0, instances: 3, batch: 1, each: .milliseconds(200), drain: .milliseconds(20),
                    serviceFactor: 1.5)),
            ScheduledEvent(
                at: SimTime(nanoseconds: 2_000_000_000),
                action: .maintenance([InstanceRef(station: 1, instance: 1)], duration: .milliseconds(300), drain: .zero)
            ),
        ]
        var sim = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: 0)
        var sink = RecordingSink()
        let outcome = sim.run(into: &sink)
        expectInvariants(spec, sink, outcome, queues: true)
        #expect(outcome.errors[Int(ErrorCause.instanceFailed.rawValue)] > 0, "failures happened and cost requests")
        // Not a trivial run: a good share still succeeds between all the failures.
        #expect(outcome.successes > outcome.arrivals / 6, "\(outcome.successes) of \(outcome.arrivals)")
        for i in 0..<sim.instanceCount {
            #expect(sim.instances[i].busy >= 0)
            if sim.instances[i].up {
                #expect(sim.instances[i].busy == 0 || mode == .hang, "instance \(i) still busy after the drain")
            }
        }
        #expect(sim.loadsDisagree() == nil, "\(sim.loadsDisagree() ?? "")")
        var healthy: [Int32] = Array(repeating: 0, count: sim.stationCount)
        for i in 0..<sim.instanceCount where sim.instances[i].healthy { healthy[Int(sim.instances[i].station)] += 1 }
        for s in 0..<sim.stationCount { #expect(healthy[s] == sim.stations[s].healthyCount) }
    }
}
