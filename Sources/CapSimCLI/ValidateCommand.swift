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
        for load in OfferedLoad.perStation(s.model) {
            let u = load.utilization.map { TableReportFormat.percent($0) } ?? "unlimited workers"
            rows.append("  \(load.name): offered \(TableReportFormat.rate(load.arrivalRate)), utilisation \(u)"
                        + ((load.utilization ?? 0) >= 1 ? "  — UNSTABLE: offered load exceeds capacity" : ""))
        }
        Console.current.out(rows.joined(separator: "\n") + "\n")
    }
}

/// Offered load per station from the scenario alone (no simulation): λ_s = λ · Σ_c share_c · visits_c(s),
/// utilisation = λ_s · E[S] / (instances · workers).
public struct OfferedLoad: Sendable {
    public var name: String
    public var arrivalRate: Double
    public var utilization: Double?

    public static func perStation(_ model: ModelSpec) -> [OfferedLoad] {
        let total = model.classes.reduce(0) { $0 + $1.weight }
        return model.stations.enumerated().map { (s, st) in
            var visits = 0.0
            for c in model.classes { visits += c.weight / total * Double(c.path.filter { $0 == s }.count) }
            let rate = model.arrivals.rate * visits
            let u = st.workers.map { rate * st.service.mean / Double(st.instances * $0) }
            return OfferedLoad(name: st.name, arrivalRate: rate, utilization: u)
        }
    }
}

enum TableReportFormat {
    static func percent(_ x: Double) -> String { String(Int((x * 1000).rounded())) .inserting(".", fromEnd: 1) + " %" }
    static func rate(_ x: Double) -> String { String(Int((x * 100).rounded())).inserting(".", fromEnd: 2) + "/s" }
}

extension String {
    fileprivate func inserting(_ s: String, fromEnd n: Int) -> String {
        let padded = count <= n ? String(repeating: "0", count: n + 1 - count) + self : self
        return String(padded.dropLast(n)) + s + String(padded.suffix(n))
    }
}
