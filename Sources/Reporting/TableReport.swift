import SimKernel
import SimStats

/// The readable terminal summary: headline metrics with their 95 % intervals, then per-hop and
/// per-station detail. Latencies print in ms (or s / µs where that reads better).
public enum TableReport {
    /// The report for a person: the run, the headline figures with their intervals, the SLO
    /// verdicts, a row per component (`componentTable`), then warnings. With `all`, every
    /// metric of the layout in one list instead of the headline and component table.
    public static func render(_ r: RunReport, all: Bool = false) -> String {
        let s = r.summary
        var out =
            "capsim \(CapSimInfo.version) — \(r.scenario.name)  (\(r.scenario.file), hash \(r.scenario.hash), seed \(r.scenario.seed))\n"
        let window = r.scenario.model.window
        let warmupText =
            r.warmup.map { _ in "warm-up auto: \(fixed(window.warmup.seconds, 3))s by MSER-5" }
            ?? "warm-up \(SimDuration(nanoseconds: window.warmup.nanoseconds))"
        out +=
            "\(s.replications) replications × \(SimDuration(nanoseconds: window.horizon.nanoseconds)) (\(warmupText)); "
        out += "\(s.arrivals) requests, \(s.events) events\n"
        if !r.scenario.axes.isEmpty {
            out += "sweep point: " + r.scenario.axes.map { "\($0.path) = \($0.text)" }.joined(separator: ", ") + "\n"
        }
        out += "\n"

        if all {
            var rows: [[String]] = [["metric", "value", "± 95% CI"]]
            for (m, e) in zip(s.layout.metrics, s.estimates) where !e.value.isNaN {
                if case .errorRate = m.kind, e.value == 0, (e.halfWidth95 ?? 0) == 0 { continue }
                rows.append([m.id, format(e.value, m.unit), e.halfWidth95.map { "± " + format($0, m.unit) } ?? ""])
            }
            out += align(rows)
            if !r.slos.isEmpty { out += "\n" + sloTable(r.slos, layout: s.layout) }
        } else {
            out += headline(r)
            if let classes = classTable(r) { out += "\n" + classes }
            if !r.slos.isEmpty { out += "\n" + sloTable(r.slos, layout: s.layout) }
            out += "\n" + componentTable(r)
            out += "(\(s.layout.metrics.count) metrics in all: --all prints every one; --csv and --json hold them)\n"
        }
        for w in s.warnings { out += "warning: \(w)\n" }
        if let w = r.warmup, w.atSearchLimit {
            out +=
                "warning: MSER-5 put the warm-up at half the run (\(w.batch) of \(w.batches) batches): the horizon may be too short to reach a steady state\n"
        }
        if !r.unstableReplications.isEmpty {
            out +=
                "warning: \(r.unstableReplications.count) replication(s) stopped early: more than \(r.scenario.model.maxInFlight) requests in flight — the design is overloaded (the load offered to some component, retries included, is at or above its capacity)\n"
        }
        if let planned = r.interruptedOf {
            out +=
                "warning: interrupted: these figures use the \(r.results.count) of \(planned) replication(s) that finished\n"
        }
        if !r.eventLimitedReplications.isEmpty {
            out +=
                "warning: \(r.eventLimitedReplications.count) replication(s) stopped early at --max-events \(r.scenario.model.maxEvents): these figures cover less than the horizon\n"
        }
        return out
    }

    /// The SLO verdicts: one row each, with the interval they were decided on.
    public static func sloTable(_ outcomes: [SLOOutcome], layout: MetricLayout) -> String {
        var rows: [[String]] = [["SLO", "verdict", "estimate", "interval", "n"]]
        for o in outcomes {
            let unit = layout.metrics.first { $0.id == o.slo.metric }?.unit ?? .count
            let interval =
                o.lower.isFinite
                ? "[\(format(o.lower, unit)), \(format(o.upper, unit))] at \(fixed(o.level * 100, 2)) %" : ""
            rows.append([
                o.slo.name, o.verdict.rawValue, o.estimate.isNaN ? "" : format(o.estimate, unit), interval,
                String(o.replications),
            ])
        }
        return align(rows)
    }

    /// A value in its unit, as people read it: latencies in ms (or s / µs), shares in %.
    public static func format(_ x: Double, _ unit: MetricUnit) -> String {
        switch unit {
        case .seconds:
            if x == 0 { return "0 ms" }
            if abs(x) >= 1 { return fixed(x, 3) + " s" }
            if abs(x) >= 1e-3 { return fixed(x * 1e3, 3) + " ms" }
            return fixed(x * 1e6, 3) + " µs"
        case .fraction: return fixed(x * 100, 4) + " %"
        case .perSecond: return fixed(x, 2) + " /s"
        case .count: return fixed(x, 4)
        case .money(let currency): return money(x) + " " + currency
        }
    }

    /// An amount of money with thousands grouped: `12,345.67` (2 decimals from 1 up, 4 below,
    /// 6 below a cent, so small amounts keep their digits).
    public static func money(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let a = abs(x)
        let text = fixed(x, a >= 1 || a == 0 ? 2 : a >= 0.01 ? 4 : 6)
        let negative = text.hasPrefix("-")
        let body = negative ? text.dropFirst() : Substring(text)
        let dot = body.firstIndex(of: ".") ?? body.endIndex
        var whole = String(body[..<dot])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        return (negative ? "-" : "") + whole + grouped + body[dot...]
    }

    /// Fixed-point text with `digits` decimals (no Foundation formatting, so output is the same
    /// everywhere).
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let scaled = (abs(x) * p).rounded()
        guard scaled < 9e18 else { return "\(x)" }
        let n = UInt64(scaled)
        let whole = n / UInt64(p)
        let frac = n % UInt64(p)
        let sign = x < 0 && n > 0 ? "-" : ""
        // With no decimals there is no fraction to pad (frac is 0, one digit longer than none).
        guard digits > 0 else { return sign + String(whole) }
        var f = String(frac)
        f = String(repeating: "0", count: digits - f.count) + f
        return sign + String(whole) + "." + f
    }

    public static func align(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows.map(\.count).max() ?? 0)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for (n, r) in rows.enumerated() {
            var line = ""
            for (i, c) in r.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                line += i == 0 ? c + pad : "  " + pad + c
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
            if n == 0 { out += String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)) + "\n" }
        }
        return out
    }
}
