import ArgumentParser
import Reporting

#if canImport(Glibc)
import Glibc
#endif

/// The `capsim` command line. The executable target only calls `CapSimCommand.main(arguments:)`.
public struct CapSimCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "capsim",
        abstract: "Discrete-event simulation for capacity and availability planning of web infrastructure.",
        discussion: """
            Describe a design in a YAML scenario, then simulate it request by request:

              capsim run Scenarios/mm1.yaml
              capsim run Scenarios/mm1.yaml --set horizon=10m --csv out.csv
              capsim check Scenarios/slo-gate.yaml --junit slo.xml
              capsim compare Scenarios/mmc.yaml --sweep components.pool.workers=8,9,10
              capsim size Scenarios/sizing.yaml --vary components.pool.workers=1..64

            Exit codes: 0 success, 1 an SLO failed, 2 an SLO is inconclusive, 64 usage error, \
            65 invalid scenario (or shard file), 66 input file missing, 70 internal error, 73 output \
            not created, 75 tasks missing from a merge, 130/143 interrupted.
            """,
        version: "capsim \(CapSimInfo.version)",
        subcommands: [
            RunCommand.self, CheckCommand.self, CompareCommand.self, SizeCommand.self, ValidateCommand.self,
            ShowCommand.self, SchemaCommand.self, ReportCommand.self, TasksCommand.self, MergeCommand.self,
        ])

    public init() {}

    /// Parses and runs `arguments` (without the program name) and returns the exit status,
    /// mapping every error explicitly (`ExitStatus`; README "Commands": exit codes are a contract).
    public static func main(arguments: [String], console: Console = .standard) -> Int32 {
        Console.$current.withValue(console) {
            do {
                var command = try parseAsRoot(arguments)
                try command.run()
                if let failure = console.outputError() {
                    console.err("capsim: error: cannot write to standard output: \(failure)\n")
                    return ExitStatus.cannotCreateOutput.rawValue
                }
                return ExitStatus.success.rawValue
            } catch let e as CLIError {
                if !e.message.isEmpty { console.err(e.message.hasSuffix("\n") ? e.message : e.message + "\n") }
                return e.status.rawValue
            } catch {
                let code = exitCode(for: error)
                let message = fullMessage(for: error)
                if code == .success {
                    if !message.isEmpty { console.out(message + "\n") }
                    return 0
                }
                console.err(message + "\n")
                // argument-parser's own errors are usage errors (it reports them as 64);
                // anything else reaching here is a bug in capsim.
                return code == .validationFailure
                    ? ExitStatus.usage.rawValue
                    : (code.rawValue == 64 ? 64 : ExitStatus.internalError.rawValue)
            }
        }
    }

    /// Makes SIGINT and SIGTERM stop the simulation and report what finished, or end the
    /// process with 130 and 143 (see `Interruption`). Output files are written by rename, so an
    /// interrupted run never leaves a half-written one, and the temporary file being written
    /// is removed.
    public static func installSignalHandlers() {
        signal(SIGINT) { Interruption.received($0) }
        signal(SIGTERM) { Interruption.received($0) }
        // A child inherits its parent's blocked signals: started from a thread that blocks them
        // (a Swift or Dispatch worker, some job runners), capsim would otherwise never see them.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }
}
