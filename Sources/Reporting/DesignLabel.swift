import SimStats

extension RunReport {
    /// `name` or `name (axis=value, …)` for a sweep point: how reports name a design.
    public var designLabel: String {
        let axes = scenario.axes
        return axes.isEmpty
            ? scenario.name : scenario.name + " (" + axes.map { "\($0.path)=\($0.text)" }.joined(separator: ", ") + ")"
    }
}

extension SLOOutcome {
    /// One line of evidence: estimate and interval in the metric's unit.
    func evidence(unit: MetricUnit) -> String {
        let interval =
            lower.isFinite
            ? ", \(TableReport.fixed(level * 100, 2)) % CI [\(TableReport.format(lower, unit)), \(TableReport.format(upper, unit))]"
            : ""
        return
            "\(verdict.rawValue): estimate \(estimate.isNaN ? "none" : TableReport.format(estimate, unit))\(interval), n = \(replications); \(reason)"
    }
}
