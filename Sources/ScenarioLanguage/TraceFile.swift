import InfraModel
import SimKernel

/// Reads an arrival trace from a CSV file.
///
/// - One row per line; blank lines and `#` comments are skipped; only the first column is
///   read (further columns, e.g. a request path, are ignored), optionally in double quotes.
/// - A header is allowed: the first row is skipped when its first column starts with a letter
///   (`timestamp`, `count`, …).
/// - `timestamps`: each row is one arrival, at a time from the start of the simulation — a plain
///   number of seconds (`12.5`) or a duration with a unit (`12.5s`, `250ms`); times ≥ 0 and in
///   non-decreasing order (equal times are simultaneous arrivals).
/// - `counts`: row i (from 0) is the number of arrivals, a whole number ≥ 0, in bin i.
enum TraceFile {
    enum Failure: Error {
        /// Missing, a directory, or not readable: the CLI's exit 66.
        case unreadable(String)
        /// A bad row: the file's line (1-based) and column, what was expected and found.
        case malformed(line: Int?, column: Int?, String)
    }

    /// Reads and parses the trace a line at a time (never holding the file's text; at most
    /// `InputFile.dataLimit` bytes, lines of at most `InputFile.lineLimit`).
    static func read(path: String, format: ArrivalTrace.Format) -> Result<ArrivalTrace, Failure> {
        var parser = Parser(format: format)
        var rowFailure: Failure?
        let read = InputFile.forEachLine(path, limit: InputFile.dataLimit) { number, line in
            rowFailure = parser.take(line, number: number)
            return rowFailure == nil
        }
        switch read {
        case .failure(.file(let f)): return .failure(.unreadable(f.description))
        case .failure(.notUTF8(let line)): return .failure(.malformed(line: line, column: nil, "expected UTF-8 text"))
        case .failure(.lineTooLong(let line)):
            return .failure(
                .malformed(line: line, column: 1, "expected a line of at most \(InputFile.lineLimit >> 20) MiB"))
        case .success(let digest):
            if let rowFailure { return .failure(rowFailure) }
            return parser.finish().map { ArrivalTrace(format: format, values: $0, file: path, digest: digest) }
        }
    }

    /// The trace's rows, taken one line at a time: nanoseconds from the start (timestamps) or
    /// counts per bin.
    struct Parser {
        let format: ArrivalTrace.Format
        var values: [Int64] = []
        var sawRow = false
        var previous: (value: Int64, text: String)?

        init(format: ArrivalTrace.Format) { self.format = format }

        /// Takes line `n` (1-based); a failure names the line and column of the bad field.
        mutating func take(_ line: Substring, number n: Int) -> Failure? {
            // Cut at '#' and ',' by their bytes (ASCII, so the cuts fall between scalars):
            // splitting by Character cost more than parsing the number.
            let content = line[..<(line.utf8.firstIndex(of: UInt8(ascii: "#")) ?? line.endIndex)]
            if content.trimmingWhitespace().isEmpty { return nil }
            let raw = content[..<(content.utf8.firstIndex(of: UInt8(ascii: ",")) ?? content.endIndex)]
            let trimmed = raw.trimmingWhitespace()
            let quoted =
                trimmed.utf8.count >= 2 && trimmed.utf8.first == UInt8(ascii: "\"")
                && trimmed.utf8.last == UInt8(ascii: "\"")
            let field = quoted ? trimmed.dropFirst().dropLast() : trimmed
            // 1-based column of the field, counted in Unicode scalars (as libyaml counts).
            let lead = raw.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
            let column = lead + (trimmed.utf8.first == UInt8(ascii: "\"") ? 2 : 1)
            if !sawRow, let c = field.first, c.isLetter {
                sawRow = true
                return nil  // a header
            }
            sawRow = true
            func fail(_ message: String) -> Failure { .malformed(line: n, column: column, message) }
            switch format {
            case .timestamps:
                let ns: Int64
                if let seconds = Quantity.number(field) {
                    guard seconds >= 0 else { return fail("expected a time ≥ 0, found '\(field)'") }
                    guard seconds * 1e9 < 9.2e18 else {
                        return fail("expected a time within nanosecond time (about 292 years), found '\(field)'")
                    }
                    ns = Int64(saturatingRounded: seconds * 1e9)
                } else if case .success(let d) = Quantity.duration(String(field)) {
                    ns = d.nanoseconds
                } else {
                    return fail(
                        "expected a time in seconds (e.g. 12.5) or a duration with a unit (e.g. 12.5s, 250ms) in the first column, found '\(field)'"
                    )
                }
                if let p = previous, ns < p.value {
                    return fail("expected timestamps in non-decreasing order, found '\(field)' after '\(p.text)'")
                }
                previous = (ns, String(field))
                values.append(ns)
            case .counts:
                guard let v = Int64(field.filter { $0 != "_" }), v >= 0, v <= UInt32.max else {
                    return fail(
                        "expected a whole number of arrivals from 0 to \(UInt32.max) in the first column, found '\(field)'"
                    )
                }
                values.append(v)
            }
            return nil
        }

        /// The values, once every line is taken; a trace needs at least one row.
        func finish() -> Result<[Int64], Failure> {
            if values.isEmpty {
                return .failure(
                    .malformed(
                        line: nil, column: nil,
                        "expected at least one row (\(format == .timestamps ? "a timestamp" : "a count")), found none"))
            }
            return .success(values)
        }
    }
}
