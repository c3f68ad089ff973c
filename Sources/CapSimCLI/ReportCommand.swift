import ArgumentParser
import Reporting
import ScenarioLanguage

/// `capsim report RESULTS.json… -o report.html`: the HTML report of JSON reports written
/// earlier by `run --json` or `check --json`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report (charts and tables in one self-contained file) of JSON reports.",
        discussion: """
            Reads the JSON reports of `run --json` or `check --json` (each one design, or an array
            of them for a sweep) and writes one HTML file: the scenario, SLO verdicts with their
            intervals, latency distributions, where the latency tail comes from, a sweep's
            metrics against its axes and its Pareto front, time series (from `run --timeseries`)
            and each design's tables. The page loads nothing and runs no script: charts are
            inline SVG. `run`, `check` and `compare` write the same report with --html PATH.

            Examples:
              capsim run Scenarios/three-tier.yaml --json results.json
              capsim report results.json -o report.html
              capsim report main.json pr.json -o both.html
            """)

    @Argument(help: "JSON reports (run --json, check --json).", completion: .file(extensions: ["json"]))
    var files: [String]

    @Option(
        name: [.customShort("o"), .customLong("output")],
        help: ArgumentHelp("Write the HTML report here ('-' for standard output).", valueName: "PATH"),
        completion: .file(extensions: ["html"]))
    var output: String

    func run() throws {
        try OutputFile.check(output)
        var designs: [ReportDesign] = []
        for file in files {
            let bytes: [UInt8]
            switch InputFile.read(file, limit: InputFile.dataLimit) {
            case .success(let data): bytes = Array(data)
            case .failure(let f): throw CLIError(.inputMissing, "\(file): error: cannot read the JSON report: \(f)")
            }
            do { designs += try ReportDocument.designs(json: bytes) } catch {
                throw CLIError(.invalidScenario, "\(file): error: not a capsim JSON report: \(error.message)")
            }
        }
        try OutputFile.write(HTMLReport.render(ReportDocument(designs: designs)), to: output)
    }
}
