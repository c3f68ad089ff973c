import InfraModel
import SimKernel
import SimRandom

/// Availability for rare failures by stratification (issue 7): with an MTBF of months and a
/// horizon of hours, brute force sees almost no failure, and its interval proves nothing.
/// Instead:
/// 1. the failure and repair processes alone (no requests: cheap) run for a long horizon —
///    years — and give the share of time p_s spent in each state s (how many instances of each
///    pool are up);
/// 2. for each state visited, a request-level run with that many instances of each pool down
///    from the start (and no failures) gives the availability A_s;
/// 3. availability = Σ p_s·A_s, with half-width √(Σ p_s²·hw_s²) (the states' runs are
///    independent; the shares are taken as exact, their horizon being long).
///
/// What it leaves out: the transients — requests lost between a failure and its detection, or
/// during a switch — which brute force counts. With health checks much faster than the
/// repairs they are a small part (it agrees with brute force where brute force is affordable:
/// tested). A degraded state takes the first instances of a pool down: pools whose instances
/// differ (weights, zones) are approximated by that choice. Scheduled events stay as given.
public struct StratifiedAvailability: Sendable {
    public struct Stratum: Sendable {
        /// Instances up per station, in station order.
        public var up: [Int]
        /// Share of the failure run's time in this state.
        public var share: Double
        /// availability.request in this state (mean over replications) and its 95 % half-width.
        public var availability: Double
        public var halfWidth: Double
    }

    public var strata: [Stratum]
    public var estimate: Double
    public var halfWidth: Double
    /// Failure events (instance downs) in the failure run: the evidence behind the shares.
    public var failureEvents: UInt64
    public var failureHorizon: SimDuration

    /// Runs both steps for `spec` (requests in each state: `replications` replications of the
    /// spec's own window, seeded by `seed`).
    public static func estimate(
        spec: ModelSpec, seed: UInt64, failureHorizon: SimDuration, replications: Int, jobs: Int
    ) -> StratifiedAvailability {
        // 1. Failures alone.
        var failureSpec = spec
        failureSpec.arrivals = nil
        for c in failureSpec.classes.indices { failureSpec.classes[c].arrivals = nil }
        failureSpec.profile = nil
        failureSpec.availability = nil
        failureSpec.timeSeriesWindow = nil
        failureSpec.window = RunWindow(warmup: .zero, horizon: SimTime.zero + failureHorizon, drain: .zero)
        var simulation = Simulation(spec: failureSpec, streams: StreamStore(seed: seed), replication: 0)
        simulation.tracksOccupancy = true
        var sink = ReplicationCollector(layout: MetricLayout(spec: failureSpec))
        let outcome = simulation.run(into: &sink)
        _ = outcome
        let occupancy = simulation.occupancy
        let total = occupancy.reduce(0) { $0 + $1.seconds }
        let events = sink.closed.map { $0.failures.reduce(0, +) } ?? 0

        // 2. Requests in each state.
        var strata: [Stratum] = []
        for (up, seconds) in occupancy where seconds > 0 {
            var state = spec
            state.zones = state.zones.map {
                var z = $0
                z.failures = nil
                return z
            }
            var refs: [InstanceRef] = []
            for s in state.stations.indices {
                state.stations[s].failures = nil
                let down = spec.stations[s].instances - up[s]
                refs += (0..<max(0, down)).map { InstanceRef(station: s, instance: $0) }
            }
            if !refs.isEmpty {
                let whole = spec.window.horizon - .zero + spec.window.drain
                state.events.append(
                    ScheduledEvent(at: .zero, action: .outage(refs, duration: whole + .seconds(1), mode: .crash)))
            }
            let layout = MetricLayout(spec: state)
            let results = Experiment(spec: state, seed: seed, replications: 0..<replications, jobs: jobs).run()
            guard let i = layout.index(of: "availability.request") else {
                preconditionFailure("every metric layout has availability.request")
            }
            var tally = Tally()
            for r in results where !r.values[i].isNaN { tally.add(r.values[i]) }
            let hw =
                tally.count > 1
                ? StudentT.quantile(0.975, degreesOfFreedom: Int(tally.count) - 1) * tally.standardDeviation
                    / Double(tally.count).squareRoot() : .nan
            strata.append(Stratum(up: up, share: seconds / total, availability: tally.mean, halfWidth: hw))
        }
        let estimate = strata.reduce(0) { $0 + $1.share * $1.availability }
        let variance = strata.reduce(0) {
            $0 + $1.share * $1.share * ($1.halfWidth.isNaN ? 0 : $1.halfWidth * $1.halfWidth)
        }
        return StratifiedAvailability(
            strata: strata, estimate: estimate, halfWidth: variance.squareRoot(),
            failureEvents: events, failureHorizon: failureHorizon)
    }
}
