import ArgumentParser
import Reporting
import ScenarioLanguage

/// The report files of `run`, `check` and `merge`: the summary CSV, the JSON report and the
/// long-form CSV, each a path or '-' for standard output.
struct ReportFiles: ParsableArguments {
    @Option(help: ArgumentHelp("Write the summary CSV here ('-' for standard output).", valueName: "PATH"))
    var csv: String?

    @Option(help: ArgumentHelp("Write the full JSON report here ('-' for standard output).", valueName: "PATH"))
    var json: String?

    @Option(
        name: .customLong("per-replication"),
        help: ArgumentHelp(
            "Write the long-form CSV (one row per design, replication and metric) here.", valueName: "PATH"))
    var perReplication: String?

    /// The paths given, in option order (nil where not asked for).
    var paths: [String?] { [csv, json, perReplication] }

    /// Writes the reports asked for.
    func write(_ reports: [RunReport]) throws(CLIError) {
        if let csv { try OutputFile.write(CSVReport.render(reports), to: csv) }
        if let perReplication { try OutputFile.write(CSVReport.renderPerReplication(reports), to: perReplication) }
        if let json {
            let text =
                reports.count == 1
                ? JSONReport.value(reports[0]).text
                : JSONValue.arrayText(count: reports.count) { JSONReport.value(reports[$0]) }
            try OutputFile.write(text, to: json)
        }
    }
}
