import SimStats

/// JUnit XML for CI systems: a test suite per design, a test case per SLO (FAIL → `<failure>`,
/// INCONCLUSIVE → `<skipped>`), and one failing test case per regression against a baseline.
public enum JUnitReport {
    public static func render(_ reports: [RunReport], regressions: [Regression] = []) -> String {
        var suites: [String] = []
        var total = 0
        var failures = 0
        var skipped = 0
        for r in reports {
            var cases: [String] = []
            var f = 0
            var s = 0
            for o in r.slos {
                let unit = r.summary.layout.metrics.first { $0.id == o.slo.metric }?.unit ?? .count
                let text = escape(o.evidence(unit: unit))
                var body = ""
                switch o.verdict {
                case .pass: break
                case .fail:
                    body = "\n      <failure type=\"slo\" message=\"\(text)\"/>"
                    f += 1
                case .inconclusive:
                    body = "\n      <skipped message=\"\(text)\"/>"
                    s += 1
                }
                cases.append(
                    "    <testcase classname=\"\(escape(r.designLabel))\" name=\"\(escape(o.slo.name))\">\(body)\n      <system-out>\(text)</system-out>\n    </testcase>"
                )
            }
            for g in regressions where g.design == r.designLabel {
                cases.append(
                    "    <testcase classname=\"\(escape(r.designLabel))\" name=\"regression: \(escape(g.metric))\">\n      <failure type=\"regression\" message=\"\(escape(g.description))\"/>\n    </testcase>"
                )
                f += 1
            }
            total += cases.count
            failures += f
            skipped += s
            suites.append(
                "  <testsuite name=\"\(escape(r.designLabel))\" tests=\"\(cases.count)\" failures=\"\(f)\" skipped=\"\(s)\" file=\"\(escape(r.scenario.file))\">\n"
                    + cases.joined(separator: "\n") + (cases.isEmpty ? "" : "\n") + "  </testsuite>")
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"capsim check\" tests=\"\(total)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
            + suites.joined(separator: "\n") + (suites.isEmpty ? "" : "\n") + "</testsuites>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
