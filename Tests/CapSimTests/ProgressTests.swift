import CapSimCLI
import CapSimTestSupport
import Foundation
import InfraModel
import ScenarioLanguage
import SimKernel
import SimStats
import Synchronization
import Testing

@testable import CapSimCLI

/// The progress display: what replications report as they go adds up exactly, the line reads as
/// documented, and it is drawn on a terminal during a long replication but never with -q.
@Suite("Progress display")
struct ProgressTests {
    @Test("replications report every event and their whole window, whatever the thread count", arguments: [1, 2])
    func accounting(jobs: Int) throws {
        var s = try ScenarioLoader.load(
            path: scenarioPath("mm1.yaml"), overrides: [try Override(parsing: "horizon=40s")])
        let watched = RunProgress()
        s.model.progress = watched
        let results = Experiment(spec: s.model, seed: s.seed, replications: 0..<3, jobs: jobs).run()
        let window = s.model.window
        #expect(watched.simulatedNanoseconds == 3 * (window.horizon + window.drain).nanoseconds)
        #expect(watched.events == results.reduce(0) { $0 + $1.outcome.events })
        // Far more than the 65,536 events between reports: each replication reported within itself.
        #expect(watched.events > 3 * 65_536)
    }

    @Test("the line: a bar by simulated time, replications, events/s, and the time left once 1 % is done")
    func line() {
        #expect(
            ProgressBar.line(label: "mm1", done: 3, total: 10, fraction: 0.35, eventsPerSecond: 2_431_000, elapsed: 7)
                == "mm1 [##########                    ] 3/10 replications · 2.4 M events/s · 13 s left")
        #expect(
            ProgressBar.line(label: "x", done: 0, total: 4, fraction: 0.005, eventsPerSecond: 0, elapsed: 1)
                == "x [                              ] 0/4 replications")
        #expect(ProgressBar.duration(3725) == "1 h 2 min")
    }

    /// Standard error as a terminal would see it.
    final class Terminal: Sendable {
        let text = Mutex("")
        var console: Console {
            Console(out: { _ in }, err: { s in self.text.withLock { $0 += s } }, isTerminal: true)
        }
    }

    @Test("drawn during one long replication on a terminal; nothing with -q")
    func drawn() {
        let args = ["run", scenarioPath("mm1.yaml"), "--set", "horizon=6000s", "--replications", "1"]
        let terminal = Terminal()
        #expect(CapSimCommand.main(arguments: args, console: terminal.console) == 0)
        let drawn = terminal.text.withLock { $0 }
        #expect(drawn.contains("mm1 [") && drawn.contains("0/1 replications · ") && drawn.contains("events/s"))
        let quiet = Terminal()
        #expect(CapSimCommand.main(arguments: args + ["-q"], console: quiet.console) == 0)
        #expect(quiet.text.withLock { $0 }.isEmpty)
    }

    /// The binary run in a pseudo-terminal (util-linux `script`), with `redirect` appended to
    /// its command line; what the terminal showed.
    func inTerminal(_ redirect: String) throws -> String {
        let command =
            "\(InterruptionTests.binary) run \(scenarioPath("mm1.yaml")) --set horizon=6000s --replications 1 \(redirect)"
        let run = try runProcess("/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"])
        #expect(run.status == 0, "\(run.err)")
        return run.out
    }

    @Test("the real terminal: drawn when standard output is one too, not when it goes to a file")
    func outputRedirected() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "util-linux's script")
        #expect(try inTerminal("").contains("0/1 replications · "))
        let file = temporaryDirectory().appendingPathComponent("table.txt").path
        let shown = try inTerminal("> \(file)")
        #expect(!shown.contains("replications"), "\(shown)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("latency"))
    }
}
