import InfraModel

extension MetricLayout {
    /// Outage episodes (README "Metrics"): per component that can go down, `outages.<c>.count`,
    /// the `outages.<c>.duration` histogram, `outages.<c>.mtbf`, `outages.<c>.mttf` and the
    /// time-based `downtime.<c>.monthly`; for the service as a whole (some component out),
    /// `availability.instances`, `outages.count`, `outages.duration`, `outages.mtbf` and
    /// `outages.mttf`. Called after the per-station metrics, whose `availability.<c>.instances`
    /// it reads.
    mutating func addOutages(_ spec: ModelSpec) {
        let down = spec.stations.indices.filter { spec.canGoDown($0) }
        guard !down.isEmpty else { return }
        outageHistogram = Array(repeating: -1, count: spec.stations.count + 1)
        for s in down {
            let name = spec.stations[s].name
            guard let share = index(of: "availability.\(name).instances") else {
                preconditionFailure("a station that can go down has availability.<c>.instances")
            }
            addEpisodes("outages.\(name)", station: s, share: share)
            add("downtime.\(name).monthly", .componentDowntimeMonthly(share: share))
        }
        let share = metrics.count
        add("availability.instances", .serviceAvailable)
        addEpisodes("outages", station: nil, share: share)
    }

    private mutating func addEpisodes(_ prefix: String, station: Int?, share: Int) {
        let count = metrics.count
        add(prefix + ".count", .outageCount(station: station))
        outageHistogram[station ?? outageHistogram.count - 1] = histograms.count
        addLatency(prefix + ".duration")
        add(prefix + ".mtbf", .outageMeanTime(count: count, share: nil))
        add(prefix + ".mttf", .outageMeanTime(count: count, share: share))
    }

    /// The duration histogram of station s's outage episodes (nil: the service's), if kept.
    func outageHistogram(station s: Int?) -> Int? {
        guard !outageHistogram.isEmpty else { return nil }
        let h = outageHistogram[s ?? outageHistogram.count - 1]
        return h >= 0 ? h : nil
    }
}
