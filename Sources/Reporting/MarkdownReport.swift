import SimStats

/// A Markdown summary of SLO verdicts (for pull requests and `$GITHUB_STEP_SUMMARY`).
public enum MarkdownReport {
    public static func render(_ reports: [RunReport], regressions: [Regression] = []) -> String {
        var out = "## capsim check\n\n| design | SLO | verdict | estimate | interval | n |\n|---|---|---|---|---|---|\n"
        for r in reports {
            for o in r.slos {
                let unit = r.summary.layout.metrics.first { $0.id == o.slo.metric }?.unit ?? .count
                let icon =
                    switch o.verdict {
                    case .pass: "✅"
                    case .fail: "❌"
                    case .inconclusive: "❔"
                    }
                let interval =
                    o.lower.isFinite
                    ? "[\(TableReport.format(o.lower, unit)), \(TableReport.format(o.upper, unit))] at \(TableReport.fixed(o.level * 100, 2)) %"
                    : ""
                out +=
                    "| \(cell(r.designLabel)) | \(cell(o.slo.name)) | \(icon) \(o.verdict.rawValue) | \(o.estimate.isNaN ? "" : TableReport.format(o.estimate, unit)) | \(interval) | \(o.replications) |\n"
            }
        }
        if !regressions.isEmpty {
            out += "\n### Regressions against the baseline\n\n"
            for g in regressions { out += "- \(cell(g.design)): \(g.description)\n" }
        }
        return out
    }

    static func cell(_ s: String) -> String {
        s.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
