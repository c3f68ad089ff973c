import CapSimTestSupport
import ScenarioLanguage
import Testing
import Theory

/// Calls made by a database with nodes in several regions come from the region of the node that
/// served the request there, not from the database's own region or its caller's.
///
/// web is in us-east; the database's only read replica is in eu-west, 80 ms away (its primary,
/// which takes no reads, stays in us-east); audit is in eu-west, audit2 in us-east, mid in no
/// region, and so is the database `plain`. Every service is deterministic and arrivals come at a constant rate, so each
/// request's latency is exact: web 1 ms, the crossing to the replica 80 ms, its read 1 ms, then
/// whatever the replica calls.
@Suite("Calls from a database's nodes in other regions")
struct DatabaseRegionCallsTests {
    static func yaml(_ readClass: String, localReplicas: Int = 0) -> String {
        """
        version: 1
        name: db-node-calls
        horizon: 20s
        warmup: 1s
        replications: 1
        seed: 3
        regions:
          us-east: {latency: {eu-west: {deterministic: 80ms}}}
          eu-west: {}
        workload:
          arrivals: {process: constant, rate: 100/s}
          classes:
            - \(readClass)
        components:
          web: {kind: server_pool, region: us-east, workers: unlimited, service: {deterministic: 1ms}}
          db:
            kind: database
            region: us-east
            primary: {workers: unlimited, service: {deterministic: 1ms}}
            replicas: {count: \(localReplicas), remote: {eu-west: 1}, workers: unlimited, lag: {deterministic: 1ms}}
          mid: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}}
          audit: {kind: server_pool, region: eu-west, workers: unlimited, service: {deterministic: 2ms}}
          audit2: {kind: server_pool, region: us-east, workers: unlimited, service: {deterministic: 2ms}}
          plain:
            kind: database
            primary: {workers: unlimited, service: {deterministic: 1ms}}
            replicas: {count: 1, workers: unlimited, lag: {deterministic: 1ms}}
        """
    }

    /// Runs the class and checks every request took `latency` (seconds) and crossed into eu-west
    /// and us-east the given number of times.
    func expectExact(
        _ readClass: String, localReplicas: Int = 0, latency: Double, intoEU: Double, intoUS: Double,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let r = try Run(yaml: Self.yaml(readClass, localReplicas: localReplicas))
        let rate = try #require(r.values("arrival_rate").first)
        for id in ["latency.mean", "latency.max"] {
            for v in r.values(id) {
                #expect(abs(v - latency) < 1e-9, "\(id) \(v)", sourceLocation: sourceLocation)
            }
        }
        for v in r.values("availability.request") { #expect(v == 1, sourceLocation: sourceLocation) }
        for v in r.values("region.eu-west.crossings.rate") {
            #expect(abs(v - intoEU * rate) < 1e-9, "crossings into eu-west \(v)", sourceLocation: sourceLocation)
        }
        for v in r.values("region.us-east.crossings.rate") {
            #expect(abs(v - intoUS * rate) < 1e-9, "crossings into us-east \(v)", sourceLocation: sourceLocation)
        }
        expectConservation(r)
    }

    @Test("a call from the eu-west replica to a component in eu-west crosses nothing: 1 + 80 + 1 + 2 ms")
    func callStaysInTheNodesRegion() throws {
        // Taken from the database's own region (us-east), this call paid a second 80 ms: 164 ms.
        try expectExact("{name: r, path: [web, {to: db.read, calls: [audit]}]}", latency: 0.084, intoEU: 1, intoUS: 0)
    }

    @Test("a pipeline through the eu-west replica goes on from eu-west")
    func pipeline() throws {
        try expectExact("{name: r, path: [web, db.read, audit], mode: pipeline}", latency: 0.084, intoEU: 1, intoUS: 0)
    }

    @Test("through a component in no region, the call still comes from the replica's region")
    func throughAComponentInNoRegion() throws {
        try expectExact(
            "{name: r, path: [web, {to: db.read, calls: [{to: mid, calls: [audit]}]}]}", latency: 0.085, intoEU: 1,
            intoUS: 0)
        try expectExact(
            "{name: r, path: [web, db.read, mid, audit], mode: pipeline}", latency: 0.085, intoEU: 1, intoUS: 0)
        // A database in no region (and so with no nodes elsewhere) in between changes nothing.
        try expectExact(
            "{name: r, path: [web, db.read, plain.read, audit], mode: pipeline}", latency: 0.085, intoEU: 1, intoUS: 0)
    }

    @Test("parallel branches and watched calls from the replica read its region from their parent's frames")
    func branchesAndWatchedCalls() throws {
        // audit stays in eu-west (2 ms); audit2 crosses back to us-east (80 + 2 ms): the replica's
        // visit takes 1 + 82 ms.
        try expectExact(
            "{name: r, path: [web, {to: db.read, calls: [{parallel: [audit, audit2]}]}]}", latency: 0.164,
            intoEU: 1, intoUS: 1)
        try expectExact(
            "{name: r, path: [web, {to: db.read, calls: [{to: audit, timeout: 1s, retries: {max: 1}}]}]}",
            latency: 0.084, intoEU: 1, intoUS: 0)
    }

    @Test("a read served by the us-east replica calls eu-west across the round trip")
    func localReplicaCallsAcross() throws {
        try expectExact(
            "{name: r, path: [web, {to: db.read, calls: [audit]}]}", localReplicas: 1, latency: 0.084, intoEU: 1,
            intoUS: 0)
        try expectExact(
            "{name: r, path: [web, db.read, audit], mode: pipeline}", localReplicas: 1, latency: 0.084, intoEU: 1,
            intoUS: 0)
    }

    @Test("validate holds mid's workers for the crossings the simulation makes")
    func theoryAgrees() throws {
        // mid (16 workers) holds each worker for its 1 ms and its call to audit: 2 ms from the
        // eu-west replica, 80 + 2 ms from the us-east one.
        for (local, hold) in [(0, 0.003), (1, 0.083)] {
            let yaml = Self.yaml(
                "{name: r, path: [web, {to: db.read, calls: [{to: mid, calls: [audit]}]}]}", localReplicas: local
            ).replacingOccurrences(
                of: "mid: {kind: server_pool, workers: unlimited", with: "mid: {kind: server_pool, workers: 16")
            let scenario = try ScenarioLoader.parse(yaml: yaml)
            let load = try #require(scenario.model.offeredLoad().first { $0.name == "mid" })
            #expect(abs((load.utilization ?? 0) - 100 * hold / 16) < 1e-12)
            let r = Run(scenario)
            for v in r.values("utilization.mid") { #expect(abs(v - 100 * hold / 16) < 0.002) }
        }
    }
}
