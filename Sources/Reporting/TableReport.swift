import SimKernel
import SimStats

/// The readable terminal summary: headline metrics with their 95 % intervals, then per-hop and
/// per-station detail. Latencies print in ms (or s / µs where that reads better).
public enum TableReport {
    public static func render(_ r: RunReport) -> String {
        let s = r.summary
        var out = "capsim \(CapSimInfo.version) — \(r.scenario.name)  (\(r.scenario.file), hash \(r.scenario.hash), seed \(r.scenario.seed))\n"
        let window = r.scenario.model.window
        out += "\(s.replications) replications × \(SimDuration(nanoseconds: window.horizon.nanoseconds)) (warm-up \(SimDuration(nanoseconds: window.warmup.nanoseconds))); "
        out += "\(s.arrivals) requests, \(s.events) events\n\n"

        var rows: [[String]] = [["metric", "value", "± 95% CI"]]
        func add(_ id: String, as style: Style) {
            guard let e = s[id], !e.value.isNaN else { return }
            rows.append([id, style.format(e.value), e.halfWidth95.map { "± " + style.format($0) } ?? ""])
        }
        for id in s.layout.metrics.map(\.id) {
            if id.hasPrefix("errors."), let e = s[id], e.value == 0, (e.halfWidth95 ?? 0) == 0 { continue }
            add(id, as: Style(for: id))
        }
        out += align(rows)
        for w in s.warnings { out += "warning: \(w)\n" }
        if !r.unstableReplications.isEmpty {
            out += "warning: \(r.unstableReplications.count) replication(s) stopped early: more than \(r.scenario.model.maxInFlight) requests in flight — the design is overloaded (utilisation ≥ 1)\n"
        }
        return out
    }

    enum Style {
        case seconds, ratio, rate, count
        init(for id: String) {
            if id.hasPrefix("latency") || id.hasPrefix("hop.") || id.hasPrefix("class.") { self = .seconds }
            else if id.hasPrefix("availability") || id.hasPrefix("errors.") || id.hasPrefix("utilization") { self = .ratio }
            else if id == "throughput" || id == "arrival_rate" { self = .rate }
            else { self = .count }
        }
        func format(_ x: Double) -> String {
            switch self {
            case .seconds:
                if x == 0 { return "0 ms" }
                if abs(x) >= 1 { return fixed(x, 3) + " s" }
                if abs(x) >= 1e-3 { return fixed(x * 1e3, 3) + " ms" }
                return fixed(x * 1e6, 3) + " µs"
            case .ratio: return fixed(x * 100, 4) + " %"
            case .rate: return fixed(x, 2) + " /s"
            case .count: return fixed(x, 4)
            }
        }
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
        let whole = n / UInt64(p), frac = n % UInt64(p)
        var f = String(frac)
        f = String(repeating: "0", count: digits - f.count) + f
        return (x < 0 && n > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + f : "")
    }

    static func align(_ rows: [[String]]) -> String {
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
