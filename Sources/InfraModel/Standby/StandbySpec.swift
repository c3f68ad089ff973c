/// A standby pool of an active/passive region pair (`standby:` on an autoscaled server pool in a
/// region other than DNS's `primary`).
///
/// While DNS's health checks know the primary region up, the pool holds what its autoscaler
/// holds (its `min`, idle: billed, serving nobody). From the moment they know it down (the
/// outage's start + `dns.detect`) until the last client's answer naming the standby has expired
/// (its end + `dns.detect` + `dns.ttl`), the autoscaler's minimum is `scaleTo`: the instances
/// missing are provisioned at once, each serving after the autoscaler's `provisioning` delay —
/// on a cluster, pods created pending, serving once placed (on a node the cluster autoscaler
/// adds when none has room) and started (the cluster's `pod_startup`); there the nodes are
/// billed, not the pods. Then the pool stands down: what is above `min` drains (pods not
/// serving yet are deleted at once). The strategy follows from the pool's `min`:
/// hot (`min` = `scaleTo`: the whole fleet idle and billed, nothing to provision), warm
/// (0 < `min` < `scaleTo`: a small fleet scaled up after the failover) and cold / pilot light
/// (`min` 0: nothing running until the failover, everything provisioned then).
public struct StandbySpec: Sendable, Equatable {
    /// The autoscaler's minimum (instances) while DNS knows the primary region down.
    public var scaleTo: Int

    public init(scaleTo: Int) {
        self.scaleTo = scaleTo
    }
}
