import InfraModel

/// `standby:` of an autoscaled server pool in the standby region of an active/passive pair, on
/// VMs or on a cluster (its pods created at the failover, placed by the scheduler — waiting for
/// the cluster autoscaler's nodes when none has room — and serving after `pod_startup`).
///
/// ```yaml
/// dns: {ttl: 60s, detect: 30s, entries: {us-east: web-east, eu-west: web-west}, primary: us-east}
/// components:
///   web-west:
///     kind: server_pool
///     region: eu-west
///     autoscale: {metric: utilization, target: 60%, min: 1, max: 8, provisioning: 5m}  # min: the idle fleet
///     standby: {scale_to: 4}    # the autoscaler's minimum while DNS knows us-east down
/// ```
extension ScenarioDecoder {
    static let standbyKeys = ["scale_to"]

    /// Decodes `standby:` of a pool whose `autoscale:` (nil: none) is already decoded.
    mutating func decodeStandby(
        _ node: ScenarioNode, _ path: String, autoscale: AutoscalePolicy?, onCluster: Bool
    ) -> StandbySpec? {
        guard let f = reader.fields(node, path, allowed: Self.standbyKeys, required: ["scale_to"]),
            let n = f["scale_to"], let scaleTo = reader.integer(n, f.path("scale_to"), min: 1, max: 1_000_000)
        else { return nil }
        guard let autoscale else {
            // On a cluster the pod autoscaler's pods start by the cluster's `pod_startup`.
            let startup = onCluster ? "" : ", provisioning: …"
            reader.fail(
                node, path,
                "a standby pool scales up through its autoscaler: give autoscale: {…, min: <the idle fleet>, max: ≥ \(scaleTo)\(startup)}"
            )
            return nil
        }
        if scaleTo > autoscale.max {
            reader.fail(
                n, f.path("scale_to"), "expected scale_to ≤ the autoscaler's max (\(autoscale.max)), found \(scaleTo)")
            return nil
        }
        if scaleTo < autoscale.min {
            reader.fail(
                n, f.path("scale_to"),
                "expected scale_to ≥ the autoscaler's min (\(autoscale.min)), the idle fleet it scales up from, found \(scaleTo)"
            )
            return nil
        }
        return StandbySpec(scaleTo: scaleTo)
    }

    /// After regions and DNS: each standby pool lives in a region DNS fails over to, so DNS's
    /// detection of its primary's outage can start the failover.
    mutating func checkStandbys(
        components: ScenarioNode?, stations: [StationSpec], regions: Regions, dns: DNSSpec?, dnsGiven: Bool
    ) {
        guard case .mapping(let comps, _)? = components else { return }
        for p in comps {
            guard case .mapping(let fields, _) = p.value,
                let node = fields.first(where: { $0.key == "standby" })?.value,
                let s = stations.firstIndex(where: { $0.name == p.key }), stations[s].standby != nil
            else { continue }
            let path = "components.\(p.key).standby"
            guard let dns, let primary = dns.primary else {
                // (A broken dns: is reported where it is.)
                if dns != nil || !dnsGiven {
                    reader.fail(
                        node, path,
                        "a standby pool fails over when DNS's health checks find the primary region down: give dns: {…, primary: <the active region>}"
                    )
                }
                continue
            }
            let primaryName = regions.list[primary].name
            guard let g = stations[s].region else {
                reader.fail(
                    node, path,
                    "a standby pool lives in a region DNS fails over to: give '\(p.key)' a region other than the primary \(primaryName)"
                )
                continue
            }
            if g == primary {
                reader.fail(
                    node, path,
                    "'\(p.key)' is in \(primaryName), DNS's primary: a standby pool lives in the region DNS fails over to"
                )
            }
        }
    }
}
