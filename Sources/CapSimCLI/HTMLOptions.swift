import ArgumentParser
import Reporting

/// `--html PATH` of `run`, `check` and `compare`: the HTML report of the designs the command
/// ran, the same bytes `capsim report` makes from the command's `--json` file.
struct HTMLOptions: ParsableArguments {
    @Option(
        name: .customLong("html"),
        help: ArgumentHelp(
            "Write an HTML report (charts and tables in one self-contained file) here.", valueName: "PATH"),
        completion: .file(extensions: ["html"]))
    var path: String?

    /// Before simulating: the path can be written (and is a file: the table or another report
    /// may hold standard output).
    func check() throws(CLIError) {
        guard let path else { return }
        if path == "-" {
            throw CLIError(.usage, "--html: expected a file path ('-' is for `capsim report -o -`)")
        }
        try OutputFile.check(path)
    }

    /// Writes the report, when asked for and something finished.
    func write(_ reports: [RunReport]) throws(CLIError) {
        guard let path, !reports.isEmpty else { return }
        try OutputFile.write(HTMLReport.render(ReportDocument(reports: reports)), to: path)
    }
}
