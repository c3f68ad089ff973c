/// Offered load on a station from the model alone (no simulation): λ_s = λ · Σ_c share_c · visits_c(s),
/// utilisation = λ_s · E[S] / (instances · workers), and a queueing-theory estimate of the mean
/// wait, so `capsim validate` can say in a millisecond what a long run would show.
public struct OfferedLoad: Sendable, Equatable {
    public var name: String
    /// Requests per second arriving at the station (all instances together), before its own
    /// rate limit if it has one (past the limits above it).
    public var arrivalRate: Double
    /// Offered load over capacity; nil for unlimited workers (a pure delay has no capacity).
    public var utilization: Double?
    /// Mean wait for a worker if each instance were an M/M/c queue (Poisson arrivals of
    /// λ_s/instances, exponential service of the same mean, c = workers, unlimited queue):
    /// C(c, a)/(cμ − λ_i) by Erlang C. Zero for unlimited workers; nil where it does not apply
    /// (a finite queue, which turns requests away instead, or utilisation ≥ 1).
    public var erlangCMeanWait: Double?
    /// The same corrected for variability by the Allen–Cunneen approximation,
    /// Erlang C × (c_a² + c_s²)/2, with c_s² the service time's squared coefficient of variation
    /// and c_a² that of the arrivals (1 Poisson, 0 constant). Exact for M/M/c and, with one
    /// worker, for M/G/1 (Pollaczek–Khinchine); an estimate otherwise — it ignores how upstream
    /// stations and the split over instances reshape the arrivals.
    public var meanWaitEstimate: Double?

    /// Under time-varying load (a rate profile, mmpp2, a trace): the highest arrival rate at the
    /// station over the horizon (classes taken at their peaks together: an upper bound) and
    /// the utilisation it would bring; nil when the load does not vary. `arrivalRate` and
    /// `utilization` are then means over the horizon.
    public var peakArrivalRate: Double?
    public var peakUtilization: Double?
    /// True when the peak offered load reaches capacity while the mean does not: the queue
    /// grows (or turns requests away) while the rate stays that high.
    public var peakOverloaded: Bool { !overloaded && (peakUtilization ?? 0) >= 1 }

    /// The share of the station's requests its busiest instance receives, when the instances
    /// are loaded unequally (weighted round robin, consistent hashing); nil when each gets
    /// 1/instances. `utilization` is that instance's.
    public var unequalShare: Double?
    /// With `unequalShare`: the pool's mean carried utilisation over its instances, each fed its
    /// own share (`ModelSpec.instanceShares`), and the mean wait of a visit over them — what a
    /// run measures for the pool (nil where there is no estimate: an instance at or above
    /// capacity with an unlimited queue, an impatient line, priority levels; for the wait also
    /// consistent hashing with a load bound, which moves requests by their count in flight).
    public var poolUtilization: Double?
    public var poolMeanWait: Double?
    /// The run report's "(theory)" beside the pool's measured utilisation and mean wait: the
    /// pool's means when its instances are loaded unequally, else `carriedUtilization` and
    /// `meanWaitEstimate` (every instance alike).
    public var poolUtilizationTheory: Double? { unequalShare == nil ? carriedUtilization : poolUtilization }
    public var poolWaitTheory: Double? { unequalShare == nil ? meanWaitEstimate : poolMeanWait }

    /// For a station with a rate limit: the share of `arrivalRate` the limit lets through
    /// (`ModelSpec.expectedPassRatios`, over the classes that visit it); nil without a limit.
    /// `utilization` counts only what passes.
    public var passRatio: Double?

    /// A cache's expected hit ratio in the steady state (`ModelSpec.expectedHitRatios`); nil
    /// for a station that is not a cache.
    public var expectedHitRatio: Double?

    /// Some class's visits bring a service demand of their own (`CallNode.service`): the
    /// station's demand is the rate-weighted mixture of its visits' demands, which is not
    /// exponential even when each of them is.
    public var mixedDemand = false

    /// Under `discipline: priority`, with a FIFO wait estimate: each priority level's mean wait
    /// (`PriorityWaits`: Cobham's, or preemptive resume's); nil otherwise. `meanWaitEstimate` is then their mean over
    /// all visits (weighted by the levels' rates).
    public var priorityWaits: PriorityWaits?

    /// A database's nodes (primary first, then the replicas), each with its own offered load
    /// and utilisation; nil for a station that is not a database. `utilization` is the busiest
    /// node's.
    public var databaseNodes: [DatabaseNodeLoad]?

    /// How the station's balancing policy shapes each instance's arrivals, which decides the
    /// model of its wait (and of a bounded queue's losses).
    public var split = BalanceSplit.independent
    /// True when the wait estimate is E_n/M/1's (`BalanceSplit.erlangArrivalsWait`): one worker
    /// per instance, exponential service and Poisson arrivals under round robin.
    public var erlangArrivals = false
    /// GI/M/c at each instance (`RenewalQueue`), exact, when its arrivals form a renewal
    /// process other than Poisson (`ModelSpec.renewalGaps`: constant or gamma arrivals, or a
    /// Poisson stream's every n-th over several workers) and its service is exponential, its
    /// queue unlimited: `meanWaitEstimate` is its mean wait. Nil otherwise.
    public var renewalQueue: RenewalQueue?
    /// The law of a visit's wait at each instance where queueing theory gives it in full
    /// (`WaitLaw`): M/M/c by Erlang C, GI/M/c (`renewalQueue`), or an admitted request's under
    /// M/M/c/K — each instance fed an equal share under a random split, with one exponential
    /// service time, first come first served. Its inputs only: whether the arrivals reaching the
    /// station make it exact is the model's question (`ModelSpec.exactWaitLaws`). Nil otherwise.
    public var waitLaw: WaitLaw?
    /// GI/M/c/K at each instance (`FiniteRenewalQueue`), exact, where `renewalQueue`'s
    /// conditions hold but the queue is bounded: `boundedQueue` holds its figures and
    /// `meanWaitEstimate` its mean wait. Nil otherwise.
    public var finiteRenewalQueue: FiniteRenewalQueue?

    /// For a station with workers and a bounded queue, per instance: the share turned away,
    /// the load carried and the wait, whatever the load, overloaded or not; nil otherwise (an
    /// unlimited queue, unlimited workers, processor sharing, a database). Independent
    /// instances (and round robin's) are M/M/c/K queues fed their share (`FiniteQueue`: Poisson
    /// arrivals, exponential service of the same mean, c = workers, K − c = the queue's
    /// places), exact where `ModelSpec.isExactFiniteQueue` says so; under joining the shortest
    /// queue one M/M/nc/nK queue over all instances; under power of two `PowerOfChoices`.
    /// `meanWaitEstimate` is its mean wait of an admitted request, scaled for the variability
    /// of arrivals and service as Allen–Cunneen's.
    public var boundedQueue: QueueFigures?

    /// Utilisation of the work the workers carry: `utilization` less what a bounded queue turns
    /// away (`boundedQueue`), `utilization` itself for an unlimited queue (beyond capacity it
    /// exceeds 1: the queue grows). The run report's "(theory)" beside the measured
    /// utilisation.
    public var carriedUtilization: Double? { impatience?.utilization ?? boundedQueue?.utilization ?? utilization }

    /// The probability that a visit waits for a worker at all, over which a fan-out's branch
    /// spreads `meanWaitEstimate` (`BranchTime.wait`): GI/M/c's (`renewalQueue`), the
    /// impatient or bounded queue's, otherwise Erlang C at the busiest instance's load over its
    /// workers (over every instance's workers when one queue serves them all). 1 at or beyond
    /// capacity; 0 for unlimited workers.
    public var waitProbabilityEstimate: Double {
        if let p = renewalQueue?.waitProbability ?? impatience?.waitProbability ?? boundedQueue?.waitProbability {
            return p
        }
        guard let c = workers else { return 0 }
        guard let u = utilization, u < 1 else { return 1 }
        let servers = if case .sharedQueue(let n) = split { c * n } else { c }
        return ErlangC.probabilityOfWaiting(servers: servers, load: u * Double(servers))
    }

    /// For a station whose waiting requests give up (`ModelSpec.patience(station:)`: a queue
    /// timeout, or its clients' patience with `drop_expired`), per instance: the M/M/c+G
    /// figures (Erlang-A for exponential patience, M/M/c+D for a fixed one) — the share that
    /// gives up, the load carried, the waits — at any load, overloaded or not; nil otherwise.
    /// Exact where `ModelSpec.isExactImpatientQueue` says so; otherwise the service's mean
    /// stands in for its distribution.
    public var impatience: ImpatientQueue?
    /// Where a closed workload's requests queue: MVA's mean wait per visit (also in
    /// `meanWaitEstimate`), in place of the open model's.
    public var closedWait: ClosedWait?
    /// True when `impatience` is the clients' patience: expired requests wait in the line until
    /// a worker skips them, so only the share giving up, the load carried and the probability
    /// of waiting are the model's (`meanWaitEstimate` is then nil).
    public var clientsPatience = false
    /// True when requests can leave its line unserved (a queue timeout, or `drop_expired`
    /// with every class reaching it under a client timeout, patience or deadline): an overload
    /// then sheds work instead of growing the line.
    public var dropsWaiting = false

    /// Parallel workers per instance (nil = unlimited) and whether the queue is bounded, which
    /// decide what an overload does.
    public var workers: Int?
    public var finiteQueue: Bool

    /// True when the offered load reaches capacity.
    /// (Never under a closed workload's MVA figures: a bounded population cannot overload a
    /// queue, and its utilisation only approaches 1.)
    public var overloaded: Bool { (utilization ?? 0) >= 1 && closedWait == nil }
    /// True when the offered load reaches capacity, the queue is unlimited and nothing drops
    /// waiting requests: it grows without bound, so no steady state exists. (A bounded queue
    /// turns the excess away instead; waiting requests that give up shed it.)
    public var unstable: Bool { overloaded && !finiteQueue && !dropsWaiting }

    public init(
        name: String, arrivalRate: Double, utilization: Double?, workers: Int?, finiteQueue: Bool,
        erlangCMeanWait: Double? = nil, meanWaitEstimate: Double? = nil
    ) {
        self.name = name
        self.arrivalRate = arrivalRate
        self.utilization = utilization
        self.workers = workers
        self.finiteQueue = finiteQueue
        self.erlangCMeanWait = erlangCMeanWait
        self.meanWaitEstimate = meanWaitEstimate
    }
}
