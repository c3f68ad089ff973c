import ArgumentParser
import ScenarioLanguage

/// Options shared by every command that reads scenarios.
struct ScenarioOptions: ParsableArguments {
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a field by its key path from the root, e.g. --set components.web.instances=12 (repeatable).",
            valueName: "KEY.PATH=VALUE"))
    var overrides: [String] = []

    @Option(
        name: .customLong("sweep"),
        help: ArgumentHelp(
            "Sweep a field over values, e.g. --sweep components.web.instances=4,6,8 (repeatable; adds to the scenario's sweep).",
            valueName: "KEY.PATH=V1,V2,…"))
    var sweeps: [String] = []

    // `.unconditional`: a negative number is the value (and then refused as such), not an option.
    @Option(parsing: .unconditional, help: "Replications to run (same as --set replications=N).")
    var replications: Int?

    @Option(parsing: .unconditional, help: "Master random seed (same as --set seed=N).")
    var seed: UInt64?

    /// The overrides in the order they apply: `--set` first, then the shorthand options.
    func parsedOverrides() throws(CLIError) -> [Override] {
        var texts = overrides
        for sweep in sweeps {
            guard let eq = sweep.firstIndex(of: "=") else {
                throw CLIError(.usage, "--sweep \(sweep): error: expected KEY.PATH=V1,V2,…, found no '='")
            }
            texts.append("sweep.\(sweep[..<eq])=[\(sweep[sweep.index(after: eq)...])]")
        }
        if let replications { texts.append("replications=\(replications)") }
        if let seed { texts.append("seed=\(seed)") }
        var result: [Override] = []
        for t in texts {
            do { result.append(try Override(parsing: t)) } catch { throw CLIError(.usage, error.description) }
        }
        return result
    }

    /// Loads a scenario, mapping failures to exit codes 66 (unreadable) and 65 (invalid).
    func load(_ path: String) throws(CLIError) -> Scenario {
        let overrides = try parsedOverrides()
        do throws(ScenarioLoadError) {
            return try ScenarioLoader.load(path: path, overrides: overrides)
        } catch {
            switch error {
            case .unreadable: throw CLIError(.inputMissing, error.description)
            case .invalid(let e):
                let n = e.diagnostics.count
                throw CLIError(
                    e.missingInput ? .inputMissing : .invalidScenario,
                    e.description + "\n\(n) problem\(n == 1 ? "" : "s") in \(path)")
            }
        }
    }
}
