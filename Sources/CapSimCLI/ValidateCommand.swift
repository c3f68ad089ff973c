import ArgumentParser
import InfraModel
import Reporting
import ScenarioLanguage

/// `capsim validate FILE`: check a scenario without simulating it, and compare the offered load
/// with the capacity of each component.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario and show offered load against capacity per component.")

    @Argument(help: "Scenario file (YAML).")
    var file: String

    @OptionGroup var scenario: ScenarioOptions

    func run() throws {
        let s = try scenario.load(file)
        var rows = ["\(s.file): ok — \(s.name), \(s.model.stations.count) component(s), \(s.replications) replications, seed \(s.seed)"]
        for load in s.model.offeredLoad() {
            let u = load.utilization.map { TableReport.fixed($0 * 100, 1) + " %" } ?? "unlimited workers"
            rows.append("  \(load.name): offered \(TableReport.fixed(load.arrivalRate, 2))/s, utilisation \(u)"
                        + ((load.utilization ?? 0) >= 1 ? "  — UNSTABLE: offered load exceeds capacity" : ""))
        }
        Console.current.out(rows.joined(separator: "\n") + "\n")
    }
}
