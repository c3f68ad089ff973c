import CapSimCLI
import Foundation
import InfraModel
import ScenarioLanguage
import SimStats
import Synchronization
import Testing

// What the test targets that run scenarios share (CapSimTests, ComponentTests): finding the
// package and its scenarios, running a scenario or the command line in-process, the honest
// comparison of a mean with theory, and the conservation check.

/// The package root, found from this file's path (tests run from any working directory).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

public func scenarioPath(_ name: String) -> String { packageRoot.appendingPathComponent("Scenarios/\(name)").path }

/// The shipped scenarios' file names (`Scenarios/*.yaml`), sorted.
public func shippedScenarioFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: scenarioPath("")).filter { $0.hasSuffix(".yaml") }.sorted()
}

/// The one-line diagnostics of scenario text read as `s.yaml`; empty when it loads.
public func problems(_ yaml: String) -> [String] {
    do {
        _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
        return []
    } catch {
        guard case .invalid(let e) = error else { return ["\(error)"] }
        return e.diagnostics.map(\.description)
    }
}

/// A shipped scenario, shortened or resized with `--set` overrides, run on two threads.
public struct Run {
    public let scenario: Scenario
    public let layout: MetricLayout
    public let results: [ReplicationResult]
    public let summary: Summary

    public init(_ file: String, _ sets: [String]) throws {
        self.init(try ScenarioLoader.load(path: scenarioPath(file), overrides: sets.map { try Override(parsing: $0) }))
    }

    /// A scenario written inline in a test.
    public init(yaml: String) throws {
        self.init(try ScenarioLoader.parse(yaml: yaml))
    }

    public init(_ scenario: Scenario) {
        self.scenario = scenario
        layout = MetricLayout(spec: scenario.model)
        results = Experiment(
            spec: scenario.model, seed: scenario.seed, replications: 0..<scenario.replications, jobs: 2
        ).run()
        summary = Summary(layout: layout, results: results)
    }

    /// Per-replication values of a metric.
    public func values(_ id: String) -> [Double] {
        guard let i = layout.index(of: id) else {
            Issue.record("no metric \(id)")
            return []
        }
        return results.map { $0.values[i] }
    }

    /// Asserts that the replications' mean of `id` matches `theory` within an honest bound:
    /// |mean − theory| ≤ t_{1−0.5e-4, n−1} · s/√n + floor·|theory|: about 3.9 standard errors, so a
    /// correct model raises a false alarm about once in 10,000 assertions; the floor (0.2 % by
    /// default) covers what the model legitimately rounds (histogram buckets, nanosecond time).
    public func expectMatches(
        _ id: String, _ theory: Double, floor: Double = 0.002, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        expectMean(values(id), theory, label: id, floor: floor, sourceLocation: sourceLocation)
    }
}

public func expectMean(
    _ xs: [Double], _ theory: Double, label: String, floor: Double = 0.002,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    var t = Tally()
    for x in xs { t.add(x) }
    let critical = StudentT.quantile(1 - 0.5e-4, degreesOfFreedom: Int(t.count) - 1)
    let bound = critical * t.standardDeviation / Double(t.count).squareRoot() + floor * abs(theory)
    #expect(
        abs(t.mean - theory) <= bound,
        "\(label): simulated \(t.mean) ± \(bound) (n=\(t.count)) vs theory \(theory)", sourceLocation: sourceLocation)
}

/// Every request ended exactly once in every replication.
public func expectConservation(_ run: Run, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for r in run.results {
        #expect(!r.outcome.unstable, sourceLocation: sourceLocation)
        #expect(
            r.outcome.arrivals == r.outcome.successes + r.outcome.errors.reduce(0, +),
            "replication \(r.replication): arrivals \(r.outcome.arrivals) ≠ ends", sourceLocation: sourceLocation)
    }
}

public enum Queueing {
    /// Erlang C: probability of waiting in M/M/c with offered load a = λ/μ erlangs.
    public static func erlangC(servers c: Int, load a: Double) -> Double {
        let b = erlangB(servers: c, load: a)
        let rho = a / Double(c)
        return b / (1 - rho + rho * b)
    }

    /// Erlang B blocking by the stable recursion B(0) = 1, B(k) = aB/(k + aB).
    public static func erlangB(servers c: Int, load a: Double) -> Double {
        var b = 1.0
        for k in 1...c { b = a * b / (Double(k) + a * b) }
        return b
    }

    /// M/M/c/K blocking: p_K of the birth–death chain (K = c + waiting slots).
    public static func mmckBlocking(servers c: Int, capacity k: Int, load a: Double) -> Double {
        var p = [1.0]
        for n in 1...k { p.append(p[n - 1] * a / Double(min(n, c))) }
        return p[k] / p.reduce(0, +)
    }
}

/// Runs `executable` to its end with `arguments` (standard input empty): its exit status and
/// what it wrote to standard output and standard error.
public func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
}

/// The smoke tests' shortening of a shipped scenario: one with scheduled events or node outages (at set times,
/// which must lie within the horizon; its own or one it extends) keeps its horizon and gets
/// thinner traffic (its `workload.arrivals`, which it must therefore have); the others a 3 s
/// horizon.
public func smokeShortening(_ file: String) throws -> [String] {
    let model = try ScenarioLoader.load(path: scenarioPath(file)).model
    // A cluster's node outages, deploys and a database's backups are scheduled events too.
    let timed =
        !model.events.isEmpty || !model.deploys.isEmpty || model.clusters.contains { !$0.outages.isEmpty }
        || model.stations.contains { $0.database?.backups != nil }
    return timed ? ["--set", "workload.arrivals.rate=20/s"] : ["--set", "horizon=3s", "--set", "warmup=1s"]
}

/// A sink that keeps every request and hop record and the window's counters, for trajectory
/// tests that drive a `Simulation` themselves.
public struct RecordingSink: RecordSink {
    public var requests: [RequestRecord] = []
    public var hops: [HopRecord] = []
    public var opened: ModelCounters?
    public var closed: ModelCounters?
    public init() {}
    public mutating func requestEnded(_ r: RequestRecord) { requests.append(r) }
    public mutating func hopEnded(_ h: HopRecord) { hops.append(h) }
    public mutating func windowOpened(_ c: ModelCounters) { opened = c }
    public mutating func windowClosed(_ c: ModelCounters) { closed = c }
}

/// Runs the CLI in-process and captures what it prints.
public final class Captured: Sendable {
    public let out = Mutex(""), err = Mutex("")
    public init() {}
    public var console: Console {
        Console(
            out: { s in self.out.withLock { $0 += s } }, err: { s in self.err.withLock { $0 += s } }, isTerminal: false)
    }
    public var stdout: String { out.withLock { $0 } }
    public var stderr: String { err.withLock { $0 } }
}

/// Runs capsim's command line in-process with `args`: its exit status and what it printed.
public func capsim(_ args: [String]) -> (status: Int32, out: String, err: String) {
    let c = Captured()
    let status = CapSimCommand.main(arguments: args, console: c.console)
    return (status, c.stdout, c.stderr)
}

/// A fresh, empty directory under the system's temporary directory.
public func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-test-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The shortening most command-line tests run a shipped scenario with.
public let short = ["--set", "horizon=20s", "--set", "warmup=2s", "--replications", "3"]
