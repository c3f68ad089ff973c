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
/// 3. availability = Σ p_s·A_s. Its error has two independent parts: the shares' (the failure
///    run is one long sample path, so p_s varies from seed to seed) and the states' runs'. The
///    shares' is estimated by batch means: the failure run is cut into `batches` consecutive
///    batches of equal length, batch b gives shares p_{s,b} and an estimate y_b = Σ p_{s,b}·Â_s,
///    and Var(Σ p_s·Â_s | Â) ≈ s²(y)/B. The states' part is Σ p_s²·se_s², se_s the standard
///    error of Â_s across its replications (the states' runs are independent: each state has
///    replications of its own). The half-width is t · √(sum), t the 97.5 % Student-t quantile
///    with Welch–Satterthwaite's degrees of freedom for the two parts (B − 1 for the batches,
///    n − 1 for each state's replications).
///
/// What it leaves out: the transients — requests lost between a failure and its detection, or
/// during a switch — which brute force counts. With health checks much faster than the
/// repairs they are a small part (it agrees with brute force where brute force is affordable:
/// tested). A degraded state takes the first instances of a pool down: pools whose instances
/// differ (weights, zones) are approximated by that choice. Scheduled events stay as given.
///
/// A database's state is its nodes up and whether it takes writes (a primary serving). The
/// failure run fails over as the spec says, so the time to detect and promote is a state of its
/// own (no writes). In a state's run taking writes its primary (node 0) is up and its last
/// replicas are down; not taking writes, its primary is down (with no failover to replace it)
/// and then its last replicas, at least one node in all. Replicas that differ (regions, remote
/// ones) are approximated by that choice, as a pool's instances are.
public struct StratifiedAvailability: Sendable {
    public struct Stratum: Sendable {
        /// Instances up per station, in station order.
        public var up: [Int]
        /// Per database (the stations with one, in station order): whether it takes writes.
        public var writable: [Bool]
        /// Share of the failure run's time in this state, and its 95 % half-width by batch means.
        public var share: Double
        public var shareHalfWidth: Double
        /// availability.request in this state (mean over replications) and its 95 % half-width
        /// (NaN with fewer than two replications).
        public var availability: Double
        public var halfWidth: Double
        /// Replications of the state's run that gave a value.
        public var replications: Int
    }

    /// Batches the failure run is cut into for the error of the shares.
    public static let batches = 20
    /// The estimate's id in the CSV and JSON reports.
    public static let metricID = "availability.rare_failures"

    public var strata: [Stratum]
    public var estimate: Double
    /// 95 % half-width of `estimate` (NaN when a state's run has fewer than two replications:
    /// its error is unknown), and the two parts it combines, each a 95 % half-width of its own:
    /// the shares' sampling error (batch means) and the states' runs' error.
    public var halfWidth: Double
    public var sharesHalfWidth: Double
    public var statesHalfWidth: Double
    /// Degrees of freedom of the interval (Welch–Satterthwaite; NaN without an interval).
    public var degreesOfFreedom: Double
    /// Failure events (instance downs) in the failure run: the evidence behind the shares.
    public var failureEvents: UInt64
    public var failureHorizon: SimDuration

    /// Runs both steps for `spec` (requests in each state: `replications` replications of the
    /// spec's own window, seeded by `seed`). Nil when `spec.stopRequest` stopped it first: a
    /// stratified estimate over part of the states, or part of a state's replications, would
    /// be biased, so nothing is reported rather than that.
    public static func estimate(
        spec: ModelSpec, seed: UInt64, failureHorizon: SimDuration, replications: Int, jobs: Int
    ) -> StratifiedAvailability? {
        // 1. Failures alone.
        var failureSpec = spec
        failureSpec.arrivals = nil
        for c in failureSpec.classes.indices { failureSpec.classes[c].arrivals = nil }
        failureSpec.profile = nil
        failureSpec.availability = nil
        failureSpec.timeSeriesWindow = nil
        failureSpec.window = RunWindow(warmup: .zero, horizon: SimTime.zero + failureHorizon, drain: .zero)
        var simulation = Simulation<FullModel>(spec: failureSpec, streams: StreamStore(seed: seed), replication: 0)
        simulation.trackOccupancy(batches: batches)
        var sink = ReplicationCollector(layout: MetricLayout(spec: failureSpec))
        let outcome = simulation.run(into: &sink)
        if outcome.interrupted { return nil }
        let occupancy = simulation.occupancy
        let byBatch = simulation.occupancyBatches
        let total = occupancy.reduce(0) { $0 + $1.seconds }
        let events = sink.closed.map { $0.failures.reduce(0, +) } ?? 0

        // 2. Requests in each state.
        var strata: [Stratum] = []
        var batchSeconds: [[Double]] = []  // per stratum, its seconds in each batch
        var standardErrors: [Double] = []  // per stratum, of its availability
        let databaseStations = spec.stations.indices.filter { spec.stations[$0].database != nil }
        for ((key, seconds), (_, perBatch)) in zip(occupancy, byBatch) where seconds > 0 {
            let up = Array(key.prefix(spec.stations.count))
            let writable = key.dropFirst(spec.stations.count).map { $0 == 1 }
            var state = spec
            // The state's instances are down by the outage below, not by random failures: those
            // of pools, zones and regions alike are the failure run's (else a state's run would
            // count them a second time).
            state.zones = state.zones.map {
                var z = $0
                z.failures = nil
                return z
            }
            state.regions.list = state.regions.list.map {
                var g = $0
                g.failures = nil
                return g
            }
            var refs: [InstanceRef] = []
            for s in state.stations.indices {
                state.stations[s].failures = nil
                let n = spec.stations[s].instances
                let down = n - up[s]
                if let d = databaseStations.firstIndex(of: s) {
                    // Without writes its primary (node 0) is down and stays so: no failover.
                    // Taking writes, the primary is up and only replicas are down, so a failover
                    // happens only as the scheduled events cause one, as in the spec.
                    if !writable[d] { state.stations[s].database?.failover = nil }
                    let nodes = writable[d] ? Array(n - down..<n) : [0] + Array(n - max(down - 1, 0)..<n)
                    refs += nodes.map { InstanceRef(station: s, instance: $0) }
                } else {
                    refs += (0..<max(0, down)).map { InstanceRef(station: s, instance: $0) }
                }
            }
            if !refs.isEmpty {
                let whole = spec.window.horizon - .zero + spec.window.drain
                state.events.append(
                    ScheduledEvent(at: .zero, action: .outage(refs, duration: whole + .seconds(1), mode: .crash)))
            }
            let layout = MetricLayout(spec: state)
            // Each state runs replications of its own (the k-th state visited: k·n ..< (k + 1)·n), so
            // the states' runs are independent and their variances add. (Replications 0 ..< n
            // for every state would share arrivals and demands, correlating the states' errors.)
            let k = strata.count
            let results = Experiment(
                spec: state, seed: seed, replications: k * replications..<(k + 1) * replications, jobs: jobs
            ).run()
            if results.count < replications { return nil }  // stopped
            guard let i = layout.index(of: "availability.request") else {
                preconditionFailure("every metric layout has availability.request")
            }
            var tally = Tally()
            for r in results where !r.values[i].isNaN { tally.add(r.values[i]) }
            let se = tally.count > 1 ? tally.standardDeviation / Double(tally.count).squareRoot() : .nan
            let hw = tally.count > 1 ? StudentT.quantile(0.975, degreesOfFreedom: Int(tally.count) - 1) * se : .nan
            strata.append(
                Stratum(
                    up: up, writable: writable, share: seconds / total, shareHalfWidth: .nan, availability: tally.mean,
                    halfWidth: hw,
                    replications: Int(tally.count)))
            batchSeconds.append(perBatch)
            standardErrors.append(se)
        }
        let estimate = strata.reduce(0) { $0 + $1.share * $1.availability }

        // 3. The error. The shares' part by batch means: per batch, its shares and the estimate
        // they give with the states' availabilities.
        let lengths = (0..<batches).map { b in batchSeconds.reduce(0) { $0 + $1[b] } }
        let used = (0..<batches).filter { lengths[$0] > 0 }
        var batchEstimates = Tally()
        var shareTallies = Array(repeating: Tally(), count: strata.count)
        for b in used {
            var y = 0.0
            for k in strata.indices {
                let p = batchSeconds[k][b] / lengths[b]
                shareTallies[k].add(p)
                y += p * strata[k].availability
            }
            batchEstimates.add(y)
        }
        let nb = Double(used.count)
        let tb = StudentT.quantile(0.975, degreesOfFreedom: used.count - 1)
        for k in strata.indices { strata[k].shareHalfWidth = tb * (shareTallies[k].variance / nb).squareRoot() }
        let sharesVariance = used.count > 1 ? batchEstimates.variance / nb : .nan
        // The states' part: independent runs, so their variances add.
        var statesVariance = 0.0
        var statesTerms = 0.0  // Σ v_s² / (n_s − 1), for the degrees of freedom
        for (k, s) in strata.enumerated() {
            let v = s.share * s.share * standardErrors[k] * standardErrors[k]
            statesVariance += v
            if v > 0 { statesTerms += v * v / Double(s.replications - 1) }
        }
        let variance = sharesVariance + statesVariance
        let sharesTerm = sharesVariance > 0 ? sharesVariance * sharesVariance / (nb - 1) : 0
        let df = variance > 0 ? variance * variance / (sharesTerm + statesTerms) : .nan
        func t(_ df: Double) -> Double { StudentT.quantile(0.975, realDegreesOfFreedom: df) }
        let sharesDF = nb - 1
        let statesDF = statesTerms > 0 ? statesVariance * statesVariance / statesTerms : .nan
        return StratifiedAvailability(
            strata: strata, estimate: estimate,
            halfWidth: variance.isNaN ? .nan : variance > 0 ? t(df) * variance.squareRoot() : 0,
            sharesHalfWidth: sharesVariance.isNaN
                ? .nan : sharesVariance > 0 ? t(sharesDF) * sharesVariance.squareRoot() : 0,
            statesHalfWidth: statesVariance.isNaN
                ? .nan : statesVariance > 0 ? t(statesDF) * statesVariance.squareRoot() : 0,
            degreesOfFreedom: df, failureEvents: events, failureHorizon: failureHorizon)
    }
}
