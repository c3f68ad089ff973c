import Foundation
import Testing

@testable import ScenarioFuzzing

/// The fuzzer itself: its mutants are reproducible from a seed, and it tells a crash, a hang
/// and an unexpected exit from an accepted one (checked on stand-in programs, so the fuzzer's
/// CI step can fail).
@Suite("Fuzzer")
struct ScenarioFuzzingTests {
    static let sources = [
        (name: "a.yaml", text: "version: 1\nhorizon: 5m\nworkload:\n  arrivals: {process: poisson, rate: 900/s}\n"),
        (name: "b.yaml", text: "components:\n  web: {kind: server_pool, workers: 8, service: {deterministic: 1ms}}\n"),
    ]

    @Test("the same seed gives the same mutants; different seeds, different ones")
    func reproducible() {
        let mutator = ScenarioMutator(sources: Self.sources)
        func mutants(_ seed: UInt64) -> [String] {
            var random = FuzzRandom(seed: seed)
            return (0..<200).map { _ in mutator.mutant(&random).text }
        }
        #expect(mutants(7) == mutants(7))
        #expect(mutants(7) != mutants(8))
        let changed = mutants(7).filter { m in !Self.sources.contains { $0.text == m } }
        #expect(changed.count > 150, "\(changed.count) of 200 mutants differ from their source")
    }

    @Test("hostile numbers replace a number, and sometimes its unit")
    func numbers() {
        let mutator = ScenarioMutator(sources: Self.sources)
        var random = FuzzRandom(seed: 3)
        var seen: Set<String> = []
        for _ in 0..<300 { seen.insert(mutator.replacingNumber(in: "  rate: 900/s", &random)) }
        #expect(seen.contains("  rate: 9223372036854775807/s"))
        #expect(seen.contains { !$0.hasSuffix("/s") })
        #expect(mutator.replacingNumber(in: "no digits here", &random) == "no digits here")
    }

    func script(_ body: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-stand-in-\(UUID().uuidString)")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        return file.path
    }

    @Test("a running child's CPU time tells a working child from a blocked one")
    func cpuSecondsOfARunningChild() throws {
        /// The child's CPU seconds once it has had `enough` of them, or after `wall` seconds.
        func measured(_ body: String, enough: Double, wall: Double) throws -> Double? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try script(body))
            try process.run()
            defer {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            let started = Date()
            var cpu = CapsimProcess.cpuSeconds(of: process.processIdentifier)
            while (cpu ?? 0) < enough && Date().timeIntervalSince(started) < wall {
                usleep(10_000)
                cpu = CapsimProcess.cpuSeconds(of: process.processIdentifier)
            }
            return cpu
        }
        // Working: 0.2 s of CPU within 20 s however busy the machine. Blocked: next to none in 1 s.
        let working = try #require(try measured("while :; do :; done", enough: 0.2, wall: 20))
        #expect(working >= 0.2)
        let blocked = try #require(try measured("exec sleep 30", enough: .infinity, wall: 1))
        #expect(blocked < 0.1)
        #expect(CapsimProcess.cpuSeconds(of: -1) == nil)
    }

    @Test("a crash, a hang and exit 70 are failures; exit 0, 65 and 66 are not")
    func classification() throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-stderr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errors) }
        func outcome(_ body: String) throws -> ProcessOutcome {
            try CapsimProcess(executable: script(body), timeLimit: 1, memoryLimitKiB: 1 << 20)
                .run([], errorFile: errors)
        }
        #expect(try outcome("exit 65") == .exited(65))
        // SIGKILL: the test runner may leave its children ignoring SIGABRT.
        let killed = try outcome("kill -KILL $$")
        #expect(killed == .signalled(SIGKILL), "\(killed)")
        // Blocked without working: stopped at three times the limit in wall-clock time (exec: no
        // grandchild to outlive the kill). Working without end: stopped at the CPU-time limit,
        // even when other work on the machine keeps it under a CPU (`cpuSecondsOfARunningChild`).
        #expect(try outcome("exec sleep 30") == .timedOut(seconds: 3))
        #expect(try outcome("while :; do :; done") == .outOfCPU(seconds: 1))
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-work-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        for (body, fails) in [
            ("exit 0", false), ("exit 65", false), ("exit 66", false), ("exit 70", true), ("kill -SEGV $$", true),
            ("echo oops >&2; exit 1", true),
        ] {
            let campaign = FuzzCampaign(
                mutator: ScenarioMutator(sources: Self.sources),
                capsim: CapsimProcess(executable: try script(body), timeLimit: 5, memoryLimitKiB: 1 << 20),
                workDirectory: work)
            let failure = try campaign.check(text: "version: 1\n", source: "a.yaml", index: 0)
            #expect((failure != nil) == fails, "\(body)")
        }
    }
}
