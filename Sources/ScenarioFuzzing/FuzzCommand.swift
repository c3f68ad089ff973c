import ArgumentParser
import Foundation

/// `capsim-fuzz`: mutates the shipped scenarios and runs `capsim` on each mutant, reporting
/// every input that crashes, hangs, runs out of memory or exits with an unexpected code.
public struct FuzzCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "capsim-fuzz",
        abstract: "Run capsim on damaged copies of the shipped scenarios; fail on any crash, hang or unexpected exit.",
        discussion: """
            Every input must end with exit 0, 65 or 66 from 'capsim validate' and, when it validates, from a
            short 'capsim run' (--max-events \(FuzzCampaign.maxEvents)). A failing input is written to --keep
            with the command's last error output; add it to Tests/CapSimTests/FuzzCorpus as a regression test.

            Examples:
              capsim-fuzz --capsim .build/release/capsim --seconds 60
              capsim-fuzz --capsim .build/release/capsim --seconds 7200 --seed 7 --keep /tmp/fuzz-found
            """)

    @Option(help: "The capsim binary to test.")
    var capsim: String

    @Option(help: "The folder of scenarios to mutate.")
    var scenarios = "Scenarios"

    @Option(help: "Stop after this many seconds.")
    var seconds: Double = 60

    @Option(help: "Stop after this many inputs.")
    var inputs = Int.max

    @Option(help: "Seed of the mutations (the same seed gives the same inputs).")
    var seed: UInt64 = 1

    @Option(
        help:
            "CPU seconds a single command may use before it counts as a hang (one blocked at three times that in wall-clock seconds counts too)."
    )
    var timeLimit: Double = 20

    @Option(help: "Address space a single command may use, in MiB.")
    var memoryLimit = 4096

    @Option(help: "Folder to write failing inputs to.")
    var keep = "fuzz-failures"

    public init() {}

    public func run() throws {
        let folder = URL(fileURLWithPath: scenarios)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        guard !names.isEmpty else { throw ValidationError("no .yaml scenarios in \(scenarios)") }
        let sources = try names.map { ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            var isDirectory: ObjCBool = false
            let path = folder.appendingPathComponent(entry).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                try FileManager.default.createSymbolicLink(
                    atPath: work.appendingPathComponent(entry).path,
                    withDestinationPath: URL(fileURLWithPath: path).standardizedFileURL.path)
            }
        }
        let campaign = FuzzCampaign(
            mutator: ScenarioMutator(sources: sources),
            capsim: CapsimProcess(
                executable: URL(fileURLWithPath: capsim).standardizedFileURL.path, timeLimit: timeLimit,
                memoryLimitKiB: memoryLimit * 1024),
            workDirectory: work)
        var failures = 0
        let started = Date()
        let count = try campaign.run(seed: seed, inputs: inputs, seconds: seconds) { f in
            failures += 1
            let keepFolder = URL(fileURLWithPath: keep)
            try? FileManager.default.createDirectory(at: keepFolder, withIntermediateDirectories: true)
            let file = keepFolder.appendingPathComponent("seed\(seed)-input\(f.index).yaml")
            let header = "# capsim-fuzz seed \(seed) input \(f.index), from \(f.source): \(f.command) → \(f.outcome)\n"
            try? Data((header + f.text).utf8).write(to: file)
            print("FAIL \(file.path): \(f.command) → \(f.outcome)\n\(f.errorTail)")
        }
        let elapsed = Date().timeIntervalSince(started)
        print(
            "capsim-fuzz: \(count) inputs from \(names.count) scenarios in \(Int(elapsed.rounded())) s (seed \(seed)), \(failures) failing"
        )
        if failures > 0 { throw ExitCode(1) }
    }
}
