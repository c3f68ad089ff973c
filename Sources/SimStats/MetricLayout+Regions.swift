import InfraModel

extension MetricLayout {
    /// Regions (README "Metrics"): per region, `region.<r>.availability` (share of the window it
    /// was up), `region.<r>.downtime.monthly` (seconds down per 730-hour month) and
    /// `region.<r>.crossings.rate` (calls that crossed into it from another region, per second).
    mutating func addRegions(_ spec: ModelSpec) {
        for (g, region) in spec.regions.list.enumerated() {
            let share = metrics.count
            add("region.\(region.name).availability", .regionAvailable(region: g))
            add("region.\(region.name).downtime.monthly", .componentDowntimeMonthly(share: share))
            add("region.\(region.name).crossings.rate", .regionCrossingRate(region: g))
        }
    }
}
