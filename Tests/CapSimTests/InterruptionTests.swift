import CapSimTestSupport
import Foundation
import Testing

/// SIGINT and SIGTERM during a simulation: the finished replications are reported as partial
/// results, outputs are written whole (no temporary file left), and the exit code says which
/// signal came. Run against the built binary, since the signal goes to a process.
@Suite("Interruption")
struct InterruptionTests {
    /// The `capsim` binary beside this test bundle (`swift build --build-tests` builds both).
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("capsim")
            .path
    }

    @Test("SIGTERM after a few seconds: finished replications are kept and reported, exit 143", arguments: [1, 2])
    func keepsFinished(jobs: Int) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            Issue.record("no capsim binary at \(Self.binary): build with swift build --build-tests")
            return
        }
        let dir = temporaryDirectory()
        let json = dir.appendingPathComponent("out.json")
        let errors = dir.appendingPathComponent("stderr.txt")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        // About 0.2 s per replication here: 400 of them cannot finish before the signal, and a
        // machine ten times slower (a loaded CI runner) still finishes one.
        process.arguments = [
            "run", scenarioPath("mm1.yaml"), "--set", "horizon=1000s", "--replications", "400", "--jobs", "\(jobs)",
            "--json", json.path, "-q",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        Thread.sleep(forTimeInterval: 5)
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        let err = try String(contentsOf: errors, encoding: .utf8)
        #expect(process.terminationReason == .exit && process.terminationStatus == 143, "\(err)")
        let data = try Data(contentsOf: json)
        let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let interrupted = report?["interrupted"] as? [String: Any]
        let finished = interrupted?["replications_finished"] as? Int ?? 0
        #expect(finished >= 1 && finished < 400, "\(String(describing: interrupted))")
        #expect(interrupted?["replications_planned"] as? Int == 400)
        #expect((report?["per_replication"] as? [Any])?.count == finished)
        #expect(
            err.contains(
                "capsim: interrupted by SIGTERM: kept \(finished) of 400 replication(s) of mm1 (the figures reported are partial)"
            ), "\(err)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp") }
        #expect(left.isEmpty, "\(left)")
        // The kept replications are the ones a shorter run gives, bit for bit.
        let short = capsim([
            "run", scenarioPath("mm1.yaml"), "--set", "horizon=1000s", "--replications", "\(finished)", "--json", "-",
            "-q",
        ])
        let expected = try JSONSerialization.jsonObject(with: Data(short.out.utf8)) as? [String: Any]
        let fingerprints = { (r: [String: Any]?) in
            (r?["per_replication"] as? [[String: Any]])?.compactMap { $0["fingerprint"] as? String }
        }
        #expect(fingerprints(report) == fingerprints(expected))
    }

    @Test("SIGINT during --rare-failures: the estimate is left out, the run's reports are written, exit 130")
    func rareFailures() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            Issue.record("no capsim binary at \(Self.binary): build with swift build --build-tests")
            return
        }
        let dir = temporaryDirectory()
        let scenario = dir.appendingPathComponent("rare.yaml")
        // 100 instances failing hourly: the failure processes alone over 100 years are about
        // 175 million events, far more than the second before the signal.
        try """
        version: 1
        name: rare
        horizon: 10s
        replications: 2
        workload: {arrivals: {process: poisson, rate: 100/s}}
        components:
          web: {kind: server_pool, instances: 100, workers: 4, service: {exponential: {mean: 10ms}}, failures: {mtbf: 1h, mttr: 10m}}
        """.write(to: scenario, atomically: true, encoding: .utf8)
        let json = dir.appendingPathComponent("out.json")
        let errors = dir.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", scenario.path, "-q", "--rare-failures", "36500d", "--json", json.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        process.interrupt()  // SIGINT
        process.waitUntilExit()
        let err = try String(contentsOf: errors, encoding: .utf8)
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(err)")
        #expect(
            err
                == "capsim: --rare-failures: stopped before its estimate was finished; it is left out\n"
                + "capsim: interrupted by SIGINT: kept 2 of 2 replication(s) of rare\n")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
        #expect(report?["rare_failures"] == nil)
        #expect((report?["per_replication"] as? [Any])?.count == 2)
    }

    @Test("SIGINT during capsim size: no answer is claimed, the probe is named, exit 130")
    func size() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            Issue.record("no capsim binary at \(Self.binary): build with swift build --build-tests")
            return
        }
        let errors = temporaryDirectory().appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        // Ten-hour replications: the first probe is still running when the signal comes.
        process.arguments = [
            "size", scenarioPath("sizing.yaml"), "--vary", "components.pool.workers=9..16", "--set", "horizon=10h",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        process.interrupt()
        process.waitUntilExit()
        let err = try String(contentsOf: errors, encoding: .utf8)
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(err)")
        #expect(
            err == "capsim: interrupted by SIGINT during probe 1 (components.pool.workers=16) of capsim size\n",
            "\(err)")
    }
}
