import InfraModel

extension MetricLayout {
    /// Regions (README "Metrics"): per region, `region.<r>.availability` (share of the window it
    /// was up), `region.<r>.downtime.monthly` (seconds down per 730-hour month) and
    /// `region.<r>.crossings.rate` (calls that crossed into it from another region, per second);
    /// with DNS, `region.<r>.requests.rate` (requests DNS sent there, per second, for a region with
    /// an entry) and `dns.stale.rate` (requests sent to a region down then, per request routed); per
    /// standby pool, `standby.<c>.failovers` and `standby.<c>.rto.mean` (its recovery time).
    mutating func addRegions(_ spec: ModelSpec) {
        for (g, region) in spec.regions.list.enumerated() {
            let share = metrics.count
            add("region.\(region.name).availability", .regionAvailable(region: g))
            add("region.\(region.name).downtime.monthly", .componentDowntimeMonthly(share: share))
            add("region.\(region.name).crossings.rate", .regionCrossingRate(region: g))
            if let dns = spec.dns, dns.entries[g] != nil {
                add("region.\(region.name).requests.rate", .regionRequestRate(region: g))
            }
        }
        if spec.dns != nil { add("dns.stale.rate", .dnsStaleRate) }
        for (s, st) in spec.stations.enumerated() where st.standby != nil {
            add("standby.\(st.name).failovers", .standbyFailovers(station: s))
            add("standby.\(st.name).rto.mean", .standbyRecoveryMean(station: s))
        }
    }
}
