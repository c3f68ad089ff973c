import Foundation
import SimStats

/// A metric that got worse than in a baseline run: beyond both confidence intervals (the
/// intervals do not overlap) and beyond a practical margin.
public struct Regression: Sendable, Equatable, CustomStringConvertible {
    public var design: String
    public var metric: String
    public var baseline: Double
    public var current: Double
    /// Relative worsening (0.1 = 10 % worse); for shares where higher is better, relative to
    /// the complementary share (availability 99.9 % → 99.8 % doubles the failures: 100 %).
    public var worsening: Double
    public var unit: MetricUnit

    public var description: String {
        "\(metric) \(TableReport.format(baseline, unit)) → \(TableReport.format(current, unit)) (\(TableReport.fixed(worsening * 100, 1)) % worse, beyond both 95 % intervals)"
    }
}

/// Results of an earlier run (`capsim run --json` or `capsim check --json`) to compare against.
public struct Baseline: Sendable {
    struct Design: Sendable {
        var name: String
        var axes: [String: String]
        var metrics: [String: (value: Double, hw95: Double?)]
    }
    var designs: [Design]

    /// Reads a JSON report (one object, or an array of them). The error says what is wrong.
    public init(json data: Data) throws(BaselineError) {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw BaselineError("not valid JSON: \(error.localizedDescription)")
        }
        let objects = (parsed as? [[String: Any]]) ?? ((parsed as? [String: Any]).map { [$0] } ?? [])
        guard !objects.isEmpty else {
            throw BaselineError("expected a capsim JSON report (an object or an array of them)")
        }
        designs = try objects.map { (o) throws(BaselineError) -> Design in
            guard let scenario = o["scenario"] as? [String: Any], let name = scenario["name"] as? String,
                let metrics = o["metrics"] as? [String: [String: Any]]
            else {
                throw BaselineError("expected 'scenario.name' and 'metrics' in every report")
            }
            let axes = (scenario["axes"] as? [String: String]) ?? [:]
            var m: [String: (Double, Double?)] = [:]
            for (id, v) in metrics { if let value = v["value"] as? Double { m[id] = (value, v["hw95"] as? Double) } }
            return Design(name: name, axes: axes, metrics: m)
        }
    }

    /// Regressions of `reports` against the matching baseline designs (same name and sweep
    /// values), for every metric with a direction (latency, errors, availability, throughput).
    /// `margin` is the practical threshold (0.05 = 5 % worse).
    public func regressions(of reports: [RunReport], margin: Double) -> [Regression] {
        var found: [Regression] = []
        for r in reports {
            let axes = Dictionary(uniqueKeysWithValues: r.scenario.axes.map { ($0.path, $0.text) })
            guard let base = designs.first(where: { $0.name == r.scenario.name && $0.axes == axes }) else { continue }
            for (m, e) in zip(r.summary.layout.metrics, r.summary.estimates) {
                guard let higherIsBetter = m.kind.higherIsBetter, let hw = e.halfWidth95,
                    let (b, bhw) = base.metrics[m.id], let bhw, !e.value.isNaN
                else { continue }
                let worse = higherIsBetter ? b - e.value : e.value - b
                guard worse > hw + bhw else { continue }
                let scale = (m.unit == .fraction && higherIsBetter) ? 1 - b : abs(b)
                let worsening = scale > 0 ? worse / scale : .infinity
                if worsening > margin {
                    found.append(
                        Regression(
                            design: r.designLabel, metric: m.id, baseline: b, current: e.value,
                            worsening: worsening, unit: m.unit))
                }
            }
        }
        return found
    }
}

public struct BaselineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
