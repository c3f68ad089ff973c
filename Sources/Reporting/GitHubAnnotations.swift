import SimStats

/// GitHub Actions workflow commands: an `::error` for each failed SLO or regression and a
/// `::warning` for each inconclusive one, pointing at the SLO's line in the scenario file.
public enum GitHubAnnotations {
    public static func render(_ reports: [RunReport], regressions: [Regression] = []) -> String {
        var lines: [String] = []
        for r in reports {
            for o in r.slos where o.verdict != .pass {
                let unit = r.summary.layout.metrics.first { $0.id == o.slo.metric }?.unit ?? .count
                let level = o.verdict == .fail ? "error" : "warning"
                var place = "file=\(property(o.slo.location.file))"
                if let line = o.slo.location.line { place += ",line=\(line)" }
                lines.append(
                    "::\(level) \(place),title=\(property("SLO \(o.verdict.rawValue): \(o.slo.name)"))::\(data(r.designLabel + ": " + o.evidence(unit: unit)))"
                )
            }
        }
        for g in regressions {
            lines.append(
                "::error title=\(property("regression: \(g.metric)"))::\(data(g.design + ": " + g.description))")
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// Escaping of workflow-command data and properties (GitHub's toolkit rules).
    static func data(_ s: String) -> String {
        s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }
    static func property(_ s: String) -> String {
        data(s).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
