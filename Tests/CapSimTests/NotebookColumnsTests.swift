import CapSimTestSupport
import Foundation
import Testing

/// The notebooks in `Notebooks/` read capsim's CSV and JSON by column, metric id and key, and
/// `Notebooks/columns.json` lists what each one reads. These tests run every listed command on its
/// shipped scenario (shortened) and check that the outputs hold what is listed, so that renaming a
/// metric fails here rather than in a notebook nobody has rerun; they check that every dotted id a
/// notebook's code quotes is listed for it (so the list cannot fall behind the code), and that the
/// notebooks are committed without outputs. The notebooks themselves run in `.ci/run`.
@Suite("Notebooks: the outputs they read")
struct NotebookColumnsTests {
    static let folder = packageRoot.appendingPathComponent("Notebooks")
    /// Columns and keys do not depend on the run's length, so a short run shows them all.
    static let shortening = ["--set", "horizon=20s", "--set", "warmup=2s", "--set", "replications=2"]

    /// One command of `columns.json` and what its output must hold.
    struct Entry: CustomTestStringConvertible, Sendable {
        let notebook: String
        let command: [String]
        let output: String
        let exit: [Int32]
        let columns: [String]
        let metrics: [String]
        let rows: [String: [String]]
        let keys: [[String]]

        var testDescription: String { "\(notebook): capsim \(command.joined(separator: " ")) \(output)" }

        /// Every id the entry names: what a notebook may quote.
        var names: Set<String> {
            Set(
                columns + metrics + metrics.map { $0 + ".hw95" } + rows.keys + rows.values.flatMap { $0 }
                    + keys.joined())
        }
    }

    enum ManifestError: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self {
            case .malformed(let what): "Notebooks/columns.json: \(what)"
            }
        }
    }

    /// `columns.json`'s entries by notebook, in file order within a notebook.
    static func manifest() throws -> [String: [Entry]] {
        let data = try Data(contentsOf: folder.appendingPathComponent("columns.json"))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let notebooks = root["notebooks"] as? [String: [[String: Any]]]
        else { throw ManifestError.malformed("expected an object with \"notebooks\": {name: [entry, …]}") }
        var result: [String: [Entry]] = [:]
        for (notebook, entries) in notebooks {
            result[notebook] = try entries.map { e in
                guard let command = e["command"] as? [String], let output = e["output"] as? String else {
                    throw ManifestError.malformed("\(notebook): an entry without command or output")
                }
                let known: Set<String> = ["command", "output", "exit", "columns", "metrics", "rows", "keys"]
                if let unknown = e.keys.first(where: { !known.contains($0) }) {
                    throw ManifestError.malformed("\(notebook): unknown field \(unknown)")
                }
                return Entry(
                    notebook: notebook, command: command, output: output,
                    exit: (e["exit"] as? [Int])?.map { Int32($0) } ?? [0],
                    columns: e["columns"] as? [String] ?? [], metrics: e["metrics"] as? [String] ?? [],
                    rows: e["rows"] as? [String: [String]] ?? [:], keys: e["keys"] as? [[String]] ?? [])
            }
        }
        return result
    }

    static let entries: [Entry] = ((try? manifest()) ?? [:]).sorted { $0.key < $1.key }.flatMap(\.value)

    static func notebookFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".ipynb") }.sorted()
    }

    @Test("columns.json reads, and lists every notebook in Notebooks/ and no other, each with something it reads")
    func manifestCoversTheNotebooks() throws {
        let manifest = try Self.manifest()
        let files = try Self.notebookFiles()
        #expect(files.count >= 5, "\(files)")
        #expect(Set(manifest.keys) == Set(files), "listed \(manifest.keys.sorted()), present \(files)")
        for (notebook, entries) in manifest {
            #expect(!entries.isEmpty, "\(notebook)")
            for e in entries {
                #expect(["--csv", "--json", "--timeseries", "--pareto-csv"].contains(e.output), "\(e.testDescription)")
                #expect(!e.names.isEmpty, "\(e.testDescription) checks nothing")
            }
        }
        #expect(Self.entries.count == manifest.values.map(\.count).reduce(0, +))
    }

    @Test("each command's output holds the columns, metrics and keys a notebook reads", arguments: entries)
    func outputsHoldWhatNotebooksRead(_ entry: Entry) throws {
        let file = temporaryDirectory().appendingPathComponent("output")
        let arguments =
            entry.command.map { $0.hasPrefix("Scenarios/") ? packageRoot.appendingPathComponent($0).path : $0 }
            + Self.shortening + [entry.output, file.path]
        let r = capsim(arguments)
        #expect(entry.exit.contains(r.status), "exit \(r.status): \(r.err)")
        let text = try String(contentsOf: file, encoding: .utf8)
        if entry.output == "--json" {
            try checkJSON(text, entry)
        } else {
            checkCSV(text, entry)
        }
    }

    func checkCSV(_ text: String, _ entry: Entry) {
        let table = text.split(separator: "\n").map { Self.fields(String($0)) }
        guard let header = table.first, table.count > 1 else {
            Issue.record("no header and rows: \(text.prefix(200))")
            return
        }
        let present = Set(header)
        for column in entry.columns + entry.metrics + entry.metrics.map({ $0 + ".hw95" }) {
            #expect(present.contains(column), "no column \(column)")
        }
        for (column, values) in entry.rows {
            guard let k = header.firstIndex(of: column) else {
                Issue.record("no column \(column)")
                continue
            }
            let found = Set(table.dropFirst().map { $0.count > k ? $0[k] : "" })
            for v in values { #expect(found.contains(v), "no row with \(column) = \(v)") }
        }
    }

    func checkJSON(_ text: String, _ entry: Entry) throws {
        let root = try JSONSerialization.jsonObject(with: Data(text.utf8))
        for path in entry.keys {
            #expect(Self.holds(root, path[...]), "no \(path.joined(separator: " → "))")
        }
        for metric in entry.metrics {
            for key in ["value", "hw95"] {
                let path = (root is [Any] ? ["*"] : []) + ["metrics", metric, key]
                #expect(Self.holds(root, path[...]), "no \(path.joined(separator: " → "))")
            }
        }
    }

    /// Whether `path` leads to a value (null included) from `value`; "*" steps into every element
    /// of an array, which must not be empty.
    static func holds(_ value: Any, _ path: ArraySlice<String>) -> Bool {
        guard let step = path.first else { return true }
        if step == "*" {
            guard let array = value as? [Any], !array.isEmpty else { return false }
            return array.allSatisfy { holds($0, path.dropFirst()) }
        }
        guard let object = value as? [String: Any], let next = object[step] else { return false }
        return holds(next, path.dropFirst())
    }

    /// The fields of one CSV line (RFC 4180 quoting: "a, b" and "" for a quote).
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    guard let after = chars.next() else {
                        quoted = false
                        break
                    }
                    if after == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        if after == "," {
                            fields.append(field)
                            field = ""
                        } else {
                            field.append(after)
                        }
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }

    @Test("the CSV splitter keeps quoted commas and doubled quotes")
    func csvFields() {
        #expect(Self.fields("a,\"b, c\",d") == ["a", "b, c", "d"])
        #expect(Self.fields("\"x \"\"y\"\"\",,z") == ["x \"y\"", "", "z"])
        #expect(Self.fields("\"{kind: a, n: 4}\"") == ["{kind: a, n: 4}"])
    }

    /// The code cells of a notebook, each as one string.
    static func codeCells(_ notebook: String) throws -> [(source: String, cell: [String: Any])] {
        let data = try Data(contentsOf: folder.appendingPathComponent(notebook))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cells = root["cells"] as? [[String: Any]]
        else { throw ManifestError.malformed("\(notebook) is not a notebook") }
        return cells.filter { $0["cell_type"] as? String == "code" }.map { cell in
            let source = (cell["source"] as? [String])?.joined() ?? cell["source"] as? String ?? ""
            return (source, cell)
        }
    }

    /// The dotted ids quoted in Python code: string literals such as "latency.p99" or
    /// f"hop.{c}.self.p99" (a placeholder stands for any text), leaving out file names, prefixes
    /// and suffixes ("errors.", ".hw95") and anything with spaces or other punctuation. Each comes
    /// back as a regular expression that a listed id must match.
    static func quotedIds(_ code: String) -> [(literal: String, pattern: String)] {
        let literal = /"([^"\\\n]*)"|'([^'\\\n]*)'/
        let files = [".yaml", ".yml", ".csv", ".json", ".ipynb", ".txt", ".png", ".py", ".html", ".md", ".svg"]
        var ids: [(String, String)] = []
        for match in code.matches(of: literal) {
            let text = String(match.output.1 ?? match.output.2 ?? "")
            let marked = text.replacing(/\{[^{}]*\}/, with: "\u{1}")
            guard marked.wholeMatch(of: /[A-Za-z\x01][A-Za-z0-9_\x01-]*(\.[A-Za-z0-9_\x01-]+)+/) != nil,
                !files.contains(where: { text.hasSuffix($0) })
            else { continue }
            let pattern = marked.split(separator: "\u{1}", omittingEmptySubsequences: false)
                .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: ".+")
            ids.append((text, pattern))
        }
        return ids
    }

    @Test("the quoted-id scanner finds ids and f-string patterns, and skips file names and fragments")
    func scanner() {
        let code = """
            a = m["latency.p99"]; b = f"hop.{c}.self.p99"; f = "Scenarios/x.yaml"; g = 'out.csv'
            h = c.startswith("errors."); i = f"{metric}.hw95"; j = "p99 (ms)"; k = "0.5"; l = f"{v:.1f} ms"
            """
        let found = Self.quotedIds(code).map(\.literal)
        #expect(found == ["latency.p99", "hop.{c}.self.p99", "{metric}.hw95"])
        #expect(Self.quotedIds("x = f\"hop.{c}.self.p99\"")[0].pattern == #"hop\..+\.self\.p99"#)
    }

    @Test("every dotted id a notebook's code quotes is listed for it in columns.json", arguments: notebooks)
    func quotedIdsAreListed(_ notebook: String) throws {
        let listed = (try Self.manifest()[notebook] ?? []).reduce(into: Set<String>()) { $0.formUnion($1.names) }
        #expect(!listed.isEmpty, "\(notebook) is not in columns.json")
        let code = try Self.codeCells(notebook).map(\.source).joined(separator: "\n")
        var checked = 0
        for (literal, pattern) in Self.quotedIds(code) {
            checked += 1
            let regex = try Regex("^" + pattern + "$")
            #expect(
                listed.contains { $0.wholeMatch(of: regex) != nil },
                "\(notebook) quotes \"\(literal)\", which Notebooks/columns.json does not list for it")
        }
        #expect(checked > 0, "\(notebook): no quoted id found; is the scanner broken?")
    }

    static let notebooks: [String] = (try? notebookFiles()) ?? []

    @Test("notebooks are committed without outputs, execution counts or run timestamps", arguments: notebooks)
    func noOutputs(_ notebook: String) throws {
        for (i, cell) in try Self.codeCells(notebook).enumerated() {
            #expect((cell.cell["outputs"] as? [Any])?.isEmpty == true, "\(notebook): code cell \(i) has outputs")
            #expect(cell.cell["execution_count"] is NSNull, "\(notebook): code cell \(i) has an execution count")
            #expect(
                (cell.cell["metadata"] as? [String: Any])?["execution"] == nil,
                "\(notebook): code cell \(i) keeps the timestamps of a run (python Notebooks/capsim_nb.py strip …)")
        }
    }
}
