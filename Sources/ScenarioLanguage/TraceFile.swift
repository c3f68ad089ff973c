import Foundation
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

    static func read(path: String, format: ArrivalTrace.Format) -> Result<ArrivalTrace, Failure> {
        let data: Data
        switch InputFile.read(path, limit: InputFile.dataLimit) {
        case .success(let d): data = d
        case .failure(let f): return .failure(.unreadable(f.description))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(.malformed(line: nil, column: nil, "expected UTF-8 text"))
        }
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in data { digest = (digest ^ UInt64(b)) &* 0x100_0000_01b3 }
        return parse(text, format: format).map { ArrivalTrace(format: format, values: $0, file: path, digest: digest) }
    }

    /// The trace's values: nanoseconds from the start (timestamps) or counts per bin.
    static func parse(_ text: String, format: ArrivalTrace.Format) -> Result<[Int64], Failure> {
        var values: [Int64] = []
        var sawRow = false
        var previous: (value: Int64, text: Substring)?
        // Split on every line break: "\r\n" is one Character in Swift, so splitting on "\n" alone
        // would miss it.
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if content.trimmingWhitespace().isEmpty { continue }
            let raw = content.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var field = raw.trimmingWhitespace()
            if field.count >= 2, field.first == "\"", field.last == "\"" { field = field.dropFirst().dropLast() }
            // 1-based column of the field, counted in Unicode scalars (as libyaml counts).
            let lead = raw.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
            let column = lead + (raw.trimmingWhitespace().first == "\"" ? 2 : 1)
            if !sawRow, let c = field.first, c.isLetter {
                sawRow = true
                continue
            }  // a header
            sawRow = true
            func fail(_ message: String) -> Result<[Int64], Failure> {
                .failure(.malformed(line: n + 1, column: column, message))
            }
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
                previous = (ns, field)
                values.append(ns)
            case .counts:
                guard let v = Int64(field.filter { $0 != "_" }), v >= 0, v <= UInt32.max else {
                    return fail(
                        "expected a whole number of arrivals from 0 to \(UInt32.max) in the first column, found '\(field)'"
                    )
                }
                values.append(v)
            }
        }
        if values.isEmpty {
            return .failure(
                .malformed(
                    line: nil, column: nil,
                    "expected at least one row (\(format == .timestamps ? "a timestamp" : "a count")), found none"))
        }
        return .success(values)
    }
}
