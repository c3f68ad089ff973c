import Foundation

/// One fuzzing campaign: mutants of the shipped scenarios, each through `capsim validate` and,
/// when it validates, a short `capsim run`. An input passes when every step ends with a
/// result or a located error — exit 0, 65 (invalid scenario, overloaded or stopped at
/// `--max-events`) or 66 (a file it names is missing) — within the time and memory limits.
public struct FuzzCampaign {
    /// Exit codes an input may end with.
    public static let acceptedExits: Set<Int32> = [0, 65, 66]
    /// Events a run of a mutant may take: enough to cross every kind of event, few enough
    /// that a mutant asking for a century of traffic ends in well under a second.
    public static let maxEvents = 200_000

    public struct Failure {
        public var index: Int
        public var source: String
        public var command: String
        public var outcome: ProcessOutcome
        public var text: String
        public var errorTail: String
    }

    public var mutator: ScenarioMutator
    public var capsim: CapsimProcess
    /// Where mutants are written: beside links to the scenarios' data folders (traces), so
    /// relative file names in a mutant resolve as in the original.
    public var workDirectory: URL

    public init(mutator: ScenarioMutator, capsim: CapsimProcess, workDirectory: URL) {
        self.mutator = mutator
        self.capsim = capsim
        self.workDirectory = workDirectory
    }

    /// The commands an input goes through, in order; each after the previous exited 0.
    static func commands(for file: String) -> [[String]] {
        [
            ["validate", file],
            ["run", file, "-q", "--replications", "1", "--jobs", "1", "--max-events", "\(maxEvents)"],
        ]
    }

    /// Runs one input's commands; nil when it passes.
    public func check(text: String, source: String, index: Int) throws -> Failure? {
        let file = workDirectory.appendingPathComponent("input-\(index % 8).yaml")
        try Data(text.utf8).write(to: file)
        let errors = workDirectory.appendingPathComponent("stderr.txt")
        for command in Self.commands(for: file.path) {
            let outcome = try capsim.run(command, errorFile: errors)
            if case .exited(let code) = outcome {
                if code == 0 { continue }
                if Self.acceptedExits.contains(code) { return nil }
            }
            let tail = (try? String(contentsOf: errors, encoding: .utf8)).map { String($0.suffix(2_000)) } ?? ""
            return Failure(
                index: index, source: source, command: command[0], outcome: outcome, text: text, errorTail: tail)
        }
        return nil
    }

    /// Mutants from `seed` until `inputs` have run or `seconds` have passed, whichever is
    /// first; `onFailure` is called for each failing input as it is found.
    public func run(seed: UInt64, inputs: Int, seconds: Double, onFailure: (Failure) -> Void) throws -> Int {
        var random = FuzzRandom(seed: seed)
        let deadline = Date().addingTimeInterval(seconds)
        var count = 0
        while count < inputs, Date() < deadline {
            let (source, text) = mutator.mutant(&random)
            if let failure = try check(text: text, source: source, index: count) { onFailure(failure) }
            count += 1
        }
        return count
    }
}
