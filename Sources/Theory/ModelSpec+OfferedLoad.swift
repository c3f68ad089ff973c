import InfraModel

extension ModelSpec {
    /// Offered load on each station, in station order, computed from the spec alone.
    /// With a closed workload, the figures at the throughputs MVA gives it
    /// (`closedOfferedLoad`).
    public func offeredLoad() -> [OfferedLoad] {
        if hasClosedWorkload { return closedOfferedLoad() }
        return offeredLoad(rates: classRates, peaks: peakClassRates)
    }

    /// Offered load on each station with each class arriving at `rates` (requests per second, in
    /// `classes` order) and peaking at `peaks` (nil: no peak figures).
    ///
    /// In a synchronous call chain a caller's worker is held while its callees' requests wait
    /// and are served, so its mean holding time adds each callee's mean wait per visit
    /// (`calleeWaits`; MVA leaves them out, computing the waits itself). The waits depend on the
    /// holding times below them: solved by repeating the figures with the last round's waits until
    /// the holding times settle (a chain of depth d settles in d + 1 rounds; a callee with no
    /// wait estimate — over capacity, a database — adds none).
    func offeredLoad(rates: [Double], peaks: [Double]?, calleeWaits: Bool = true) -> [OfferedLoad] {
        let hits = expectedHitRatios()
        let passes = expectedPassRatios(hits: hits)
        var trees = callTrees(hits: hits, passes: passes)
        var loads = offeredLoad(rates: rates, peaks: peaks, trees: trees, hits: hits, passes: passes)
        guard calleeWaits, hasCallChains else { return loads }
        for _ in 0..<50 {
            let waits = loads.map { l in
                (
                    mean: l.meanWaitEstimate.flatMap { $0.isFinite ? $0 : nil } ?? 0,
                    probability: l.waitProbabilityEstimate
                )
            }
            let next = callTrees(hits: hits, passes: passes, waits: waits)
            let settled = zip(next, trees).allSatisfy { a, b in
                zip(a.hold, b.hold).allSatisfy { abs($0 - $1) <= 1e-12 * max(abs($0), abs($1)) }
            }
            if settled { break }
            trees = next
            loads = offeredLoad(rates: rates, peaks: peaks, trees: trees, hits: hits, passes: passes)
        }
        return loads
    }

    /// Offered load on each station given each class's call-tree visits and holding times, the
    /// caches' hit ratios and the rate limits' pass ratios.
    func offeredLoad(
        rates: [Double], peaks: [Double]?, trees: [(visits: [Double], hold: [Double])], hits: [Double?],
        passes: [[Double]]
    ) -> [OfferedLoad] {
        // Squared coefficient of variation of the arrivals: 1 when every process is Poisson,
        // 0 when every one is constant, cv² when every one is gamma with that cv (a mix, and
        // mmpp2 or a trace, are taken as Poisson).
        let processes = classes.compactMap(\.arrivals) + (arrivals.map { [$0] } ?? [])
        var arrivalSCV: Double = processes.allSatisfy { if case .constant = $0 { true } else { false } } ? 0 : 1
        if case .gamma(_, let cv)? = processes.first,
            processes.allSatisfy({ if case .gamma(_, cv) = $0 { true } else { false } })
        {
            arrivalSCV = cv * cv
        }
        return stations.enumerated().map { (s, st) in
            if let db = st.database { return databaseLoad(station: s, db, rates: rates, peaks: peaks, trees: trees) }
            var rate = 0.0  // past the station's own rate limit
            var arriving = 0.0  // before it
            var holding = 0.0
            var peak = 0.0
            // The visits' own demands: their rate-weighted first and second moments (a mixture
            // when classes bring demands of their own), for the service's variance below.
            var ownFirst = 0.0
            var ownSecond = 0.0
            var ownDemands = false
            // Under priority: each class's level, and per level the visits' rate and the
            // holding time they bring.
            let levels = priorityLevels(station: s)
            var levelRate = Array(repeating: 0.0, count: st.priorityClasses.count + 1)
            var levelHolding = levelRate
            var levelSecond = levelRate  // rate × E[holding²], for preemptive resume
            for (k, c) in classes.enumerated() {
                for (n, node) in c.calls.enumerated() where node.station == s {
                    rate += rates[k] * trees[k].visits[n]
                    if passes[k][s] > 0 { arriving += rates[k] * trees[k].visits[n] / passes[k][s] }
                    peak += (peaks?[k] ?? 0) * trees[k].visits[n]
                    holding += rates[k] * trees[k].visits[n] * trees[k].hold[n]
                    if !levels.isEmpty {
                        levelRate[Int(levels[k])] += rates[k] * trees[k].visits[n]
                        levelHolding[Int(levels[k])] += rates[k] * trees[k].visits[n] * trees[k].hold[n]
                    }
                    let own = node.service ?? st.service
                    if !levels.isEmpty {
                        // The holding time's variance taken as its own service's (exact when
                        // the visit holds its worker for its own service alone).
                        let h = trees[k].hold[n]
                        levelSecond[Int(levels[k])] += rates[k] * trees[k].visits[n] * (own.variance + h * h)
                    }
                    ownDemands = ownDemands || node.service != nil
                    ownFirst += rates[k] * trees[k].visits[n] * own.mean
                    ownSecond += rates[k] * trees[k].visits[n] * (own.variance + own.mean * own.mean)
                }
            }
            let serviceVariance =
                ownDemands && rate > 0 ? ownSecond / rate - (ownFirst / rate) * (ownFirst / rate) : st.service.variance
            // At the peak a limit passes no more than its capacity (the mean pass ratio above
            // is lower there, so scaling the peak by it alone can overstate or understate); a
            // per-key limit's capacity is per key, no bound on the whole.
            if let limit = st.rateLimit, limit.per != .key {
                let buckets = (limit.scope == .instance ? st.instances : 1) * (limit.per == .class ? classes.count : 1)
                peak = min(peak, limit.capacity(buckets: buckets))
            }
            let meanService = rate > 0 ? holding / rate : st.service.mean
            let passRatio = st.rateLimit == nil ? nil : arriving > 0 ? rate / arriving : 1
            guard let workers = st.workers else {
                var load = OfferedLoad(
                    name: st.name, arrivalRate: arriving, utilization: nil, workers: nil,
                    finiteQueue: st.queueCapacity != nil, erlangCMeanWait: 0, meanWaitEstimate: 0)
                if peaks != nil { load.peakArrivalRate = peak }
                load.expectedHitRatio = hits[s]
                load.passRatio = passRatio
                return load
            }
            // The busiest instance (weighted round robin and hashed keys load them unequally) saturates first.
            let share = heaviestInstanceShare(station: s)
            let u = rate * share * meanService / Double(workers)
            var load = OfferedLoad(
                name: st.name, arrivalRate: arriving, utilization: u, workers: workers,
                finiteQueue: st.queueCapacity != nil)
            load.passRatio = passRatio
            load.mixedDemand = ownDemands
            if abs(share * Double(st.instances) - 1) > 1e-9 { load.unequalShare = share }
            load.expectedHitRatio = hits[s]
            if peaks != nil {
                load.peakArrivalRate = peak
                load.peakUtilization = peak * share * meanService / Double(workers)
            }
            // TLS CPU is drawn independently of the service time: the variances add.
            let serviceSCV = (serviceVariance + (st.tls?.costVariance ?? 0)) / (meanService * meanService)
            let split = BalanceSplit(st)
            load.split = split
            // First come first served, one exponential service time per visit, held for the
            // visit's own service alone (no calls below it), without TLS: what the wait's law
            // (`OfferedLoad.waitLaw`) needs. (Other orders keep the mean wait, not its law.)
            let plainExponential =
                if case .exponential = st.service, st.discipline == .fifo {
                    st.tls == nil && !ownDemands && abs(meanService - st.service.mean) <= 1e-12 * st.service.mean
                } else { false }
            // The gaps between arrivals at one instance: round robin's are sums of n of the
            // source's, n times more regular.
            let instanceSCV = if case .everyNth(let n) = split { arrivalSCV / Double(n) } else { arrivalSCV }
            let n = st.instances
            load.dropsWaiting = dropsWaiting(station: s)
            if let (patience, clients) = patience(station: s), rate > 0, meanService.isFinite, meanService > 0,
                let q = ImpatientQueue(
                    servers: workers, waitingRoom: st.queueCapacity, arrivalRate: rate * share,
                    meanService: meanService, patience: patience)
            {
                // Each instance its own impatient line fed its share (how the policy shapes its
                // arrivals is left out); the wait of all admitted requests, those giving up
                // included — not the clients' case, whose expired requests linger in the line.
                load.impatience = q
                load.clientsPatience = clients
                load.split = .independent
                load.meanWaitEstimate = clients ? nil : q.meanWait
                return load
            }
            if st.discipline == .processorSharing {
                // Under processor sharing nothing waits: every admitted request is in service
                // (its sojourn stretches instead, E[S]/(1 − ρ) for M/G/1-PS).
                load.erlangCMeanWait = 0
                load.meanWaitEstimate = 0
                // An instance admits workers + queue requests, served at μ·min(n, c) in all:
                // the birth–death chain of M/M/c/K, and for any service distribution of the same
                // mean (processor sharing is insensitive).
                if let room = st.queueCapacity, rate > 0, meanService.isFinite, meanService > 0,
                    let (queue, model) = boundedFigures(
                        split, workers: workers, room: room, instances: n, rate: rate, share: share,
                        meanService: meanService)
                {
                    load.boundedQueue = queue
                    load.split = model
                }
            } else if let room = st.queueCapacity, rate > 0, meanService.isFinite, meanService > 0,
                let (queue, model) = boundedFigures(
                    split, workers: workers, room: room, instances: n, rate: rate, share: share,
                    meanService: meanService)
            {
                load.boundedQueue = queue
                load.split = model
                // With no waiting room nothing waits. Otherwise the model's wait, scaled for the
                // variability of arrivals and service as Allen–Cunneen scales Erlang C's (exact
                // for Poisson arrivals and exponential service; an estimate otherwise).
                load.meanWaitEstimate =
                    room == 0
                    ? 0
                    : serviceSCV.isFinite
                        ? AllenCunneen.meanWait(
                            erlangC: queue.meanWait, arrivalSCV: instanceSCV, serviceSCV: serviceSCV)
                        : nil
                if case .independent = model, load.unequalShare == nil, levels.isEmpty, plainExponential,
                    let q = FiniteQueue(
                        servers: workers, waitingRoom: room, arrivalRate: rate * share, meanService: meanService)
                {
                    load.waitLaw = WaitLaw(q)
                }
                // Arrivals reaching the station as a renewal process other than Poisson, one
                // exponential service time: GI/M/c/K, exact at any load.
                if levels.isEmpty, case .exponential = st.service, st.tls == nil, !ownDemands,
                    abs(meanService - st.service.mean) <= 1e-12 * st.service.mean,
                    let gaps = renewalGaps(station: s),
                    let q = FiniteRenewalQueue(
                        gaps: gaps, servers: workers, capacity: workers + room, meanService: meanService)
                {
                    load.finiteRenewalQueue = q
                    load.boundedQueue = q.figures
                    load.meanWaitEstimate = q.meanWait
                    load.waitLaw = nil
                }
            } else if st.queueCapacity == nil, u < 1, rate > 0, meanService.isFinite, meanService > 0 {
                let wait = ErlangC.meanWait(servers: workers, arrivalRate: rate * share, meanService: meanService)
                load.erlangCMeanWait = wait
                if case .independent = split, load.unequalShare == nil, levels.isEmpty, plainExponential {
                    load.waitLaw = WaitLaw(servers: workers, arrivalRate: rate * share, meanService: meanService)
                }
                // The wait under exponential service, by the policy's model; then scaled for
                // variability.
                var exponentialWait = wait
                switch split {
                case .independent: break
                case .everyNth(let k):
                    let exponential = if case .exponential = st.service { true } else { false }
                    // A visit that holds its worker only for its own service (no calls below it).
                    let own = abs(meanService - st.service.mean) <= 1e-12 * st.service.mean
                    if workers == 1, poissonArrivals, exponential, st.tls == nil, !ownDemands, own {
                        load.erlangArrivals = true
                        exponentialWait = BalanceSplit.erlangArrivalsWait(
                            k: k, arrivalRate: rate, meanService: meanService)
                    }
                case .sharedQueue(let k):
                    let (servers, overflow) = workers.multipliedReportingOverflow(by: k)
                    if overflow {
                        load.split = .independent
                    } else {
                        exponentialWait = ErlangC.meanWait(
                            servers: servers, arrivalRate: rate, meanService: meanService)
                    }
                case .choices(let d):
                    if let q = PowerOfChoices(
                        choices: d, servers: workers, waitingRoom: nil, arrivalRate: rate / Double(n),
                        meanService: meanService)
                    {
                        exponentialWait = q.meanWait
                    } else {
                        load.split = .independent
                    }
                }
                load.meanWaitEstimate =
                    load.erlangArrivals
                    ? exponentialWait
                    : serviceSCV.isFinite
                        ? AllenCunneen.meanWait(
                            erlangC: exponentialWait, arrivalSCV: instanceSCV, serviceSCV: serviceSCV)
                        : nil
                // Arrivals reaching the station as a renewal process other than Poisson, one
                // exponential service time: GI/M/c, exact (and any order of service that
                // ignores the service times has its mean wait).
                if levels.isEmpty, case .exponential = st.service, st.tls == nil, !ownDemands,
                    abs(meanService - st.service.mean) <= 1e-12 * st.service.mean,
                    let gaps = renewalGaps(station: s),
                    let q = RenewalQueue(gaps: gaps, servers: workers, meanService: meanService)
                {
                    load.renewalQueue = q
                    load.meanWaitEstimate = q.meanWait
                    load.waitLaw = load.unequalShare == nil && st.discipline == .fifo ? WaitLaw(q) : nil
                }
                if !levels.isEmpty, let fifo = load.meanWaitEstimate {
                    // The levels that some class reaching the station is in, in order.
                    let reaching = classes.indices.filter { k in classes[k].calls.contains { $0.station == s } }
                    let kept = levelHolding.indices.filter { l in reaching.contains { levels[$0] == l } }
                    let names = kept.map { l in reaching.filter { levels[$0] == l }.map { classes[$0].name } }
                    let waits: PriorityWaits?
                    if st.preemption == .resume {
                        // Each instance fed its share, its own first-come-first-served queue for
                        // the levels' aggregates (several workers).
                        let variability = instanceSCV
                        waits = PriorityWaits.preemptiveResume(
                            classes: names, rates: kept.map { levelRate[$0] * share },
                            meanServices: kept.map { levelRate[$0] > 0 ? levelHolding[$0] / levelRate[$0] : 0 },
                            secondMoments: kept.map { levelRate[$0] > 0 ? levelSecond[$0] / levelRate[$0] : 0 },
                            servers: workers,
                            fifoWait: { rate, mean, scv in
                                AllenCunneen.meanWait(
                                    erlangC: ErlangC.meanWait(servers: workers, arrivalRate: rate, meanService: mean),
                                    arrivalSCV: variability, serviceSCV: scv)
                            })
                    } else {
                        waits = PriorityWaits(
                            classes: names, utilizations: kept.map { levelHolding[$0] * share / Double(workers) },
                            fifoWait: fifo, utilization: u)
                    }
                    load.priorityWaits = waits
                    // Over all visits, the levels' waits weighted by their rates: FIFO's when every
                    // class has the same service time (the conservation law), not otherwise.
                    load.meanWaitEstimate = waits.map { waits in
                        zip(kept, waits.levels).reduce(0) { $0 + levelRate[$1.0] * $1.1.meanWait } / rate
                    }
                }
            }
            // Instances loaded unequally: the pool's means, which the run measures, beside the
            // busiest instance's figures above.
            if load.unequalShare != nil, rate > 0, meanService.isFinite, meanService > 0, serviceSCV.isFinite {
                let sharing = st.discipline == .processorSharing
                if let pool = poolAverages(
                    station: s, workers: workers, room: st.queueCapacity, rate: rate, meanService: meanService,
                    variability: sharing ? 0 : (instanceSCV + serviceSCV) / 2)
                {
                    load.poolUtilization = pool.utilization
                    // A load bound moves requests by the instances' requests in flight, at the
                    // moments one runs ahead: the waits it leaves have no model here.
                    let bounded = st.balance == .consistentHash && st.consistentHash.loadFactor != nil
                    load.poolMeanWait = levels.isEmpty && !bounded ? pool.meanWait : nil
                }
            }
            return load
        }
    }

    /// Per class and call-tree node: mean visits per request and the mean time a visit holds
    /// its worker (see the comment inside), given the caches' hit ratios, the rate limits'
    /// pass ratios and at each station the mean wait per visit and the probability of waiting
    /// at all (`waits`, nil: none).
    func callTrees(
        hits: [Double?], passes: [[Double]], waits: [(mean: Double, probability: Double)]? = nil
    ) -> [(visits: [Double], hold: [Double])] {
        // Per class and call-tree node: mean visits per request, and the mean time a visit
        // holds its worker — its own service, plus in synchronous mode the calls it makes, each
        // its callee's wait and holding time (a fan-out the mean of its slowest branch,
        // `ForkJoin`), and a call to another region its round trip.
        // Below a cache, visits and held time count only its misses (`expectedHitRatios`), and
        // past a rate limit only what it lets through (`expectedPassRatios`).
        return classes.enumerated().map { k, c -> (visits: [Double], hold: [Double]) in
            // A database visit's own time is its node's: a read's is the read nodes' service; a
            // visit with a demand of its own (`CallNode.service`) takes that instead of the station's.
            var hold = c.calls.map { node in
                let st = stations[node.station]
                return st.database.map {
                    databaseVisitService($0, station: st, access: node.access, own: node.service)
                }
                    ?? (node.service ?? st.service).mean + (st.tls?.meanCost ?? 0)
            }
            if c.mode == .synchronous {
                // A call to another region holds its caller for the round trip too.
                let crossing = meanCrossings(c)
                // E[hold²] per node: a fan-out's maximum needs its branches' laws, not only
                // their means. A database visit's spread is taken as its service's (by cv).
                var holdSecond = c.calls.indices.map { n in
                    let law = c.calls[n].service ?? stations[c.calls[n].station].service
                    let spread =
                        stations[c.calls[n].station].database == nil
                        ? law.variance : law.cv * law.cv * hold[n] * hold[n]
                    return spread + hold[n] * hold[n]
                }
                for n in c.calls.indices.reversed() {
                    let miss =
                        (1 - (hits[c.calls[n].station] ?? 0)) * inspectionPassShare(c, station: c.calls[n].station)
                    let own = hold[n]
                    var steps = 0.0  // E[Q], Q the steps' time
                    var stepsVariance = 0.0
                    for step in c.calls[n].steps {
                        // A call its rate limit turns away returns at once: only admitted calls hold.
                        let branch = { (m: Int) in
                            miss * c.calls[m].probability * c.calls[m].meanCalls * passes[k][c.calls[m].station]
                                * (hold[m] + crossing[m] + (waits?[c.calls[m].station].mean ?? 0))
                        }
                        let law = { (m: Int) -> BranchTime in
                            self.branchTime(
                                c.calls[m], hold: hold[m], holdSecond: holdSecond[m], crossing: crossing[m],
                                pass: passes[k][c.calls[m].station], wait: waits?[c.calls[m].station])
                        }
                        switch step {
                        case .call(let m):
                            hold[n] += branch(m)
                            let one = law(m)
                            steps += one.mean
                            stepsVariance += one.variance
                        case .parallel(let ms):
                            let slowest = ForkJoin.maximum(ms.map(law))
                            hold[n] += miss * slowest.mean
                            steps += slowest.mean
                            stepsVariance += Swift.max(0, slowest.second - slowest.mean * slowest.mean)
                        }
                    }
                    // hold = S + B·Q, B a Bernoulli(miss) independent of S and Q.
                    holdSecond[n] += 2 * own * miss * steps + miss * (stepsVariance + steps * steps)
                }
            }
            return (meanVisits(c, hits: hits, passes: passes[k]), hold)
        }
    }

    /// The time a call to `node` keeps its caller waiting (``BranchTime``): made with its
    /// probability, repeated its geometric number of times, each call let through with
    /// probability `pass`, and then taking the callee's wait (`wait`: mean and probability of
    /// waiting; nil: none), its holding time (mean `hold`, second moment `holdSecond`) and the
    /// round trip `crossing`. A visit that makes no calls of its own keeps its service's law
    /// (a TLS handshake's mean cost and the round trip added as constants); any other is a gamma
    /// fitted to its two moments.
    func branchTime(
        _ node: CallNode, hold: Double, holdSecond: Double, crossing: Double, pass: Double,
        wait: (mean: Double, probability: Double)?
    ) -> BranchTime {
        let st = stations[node.station]
        let w = BranchTime.wait(mean: wait?.mean ?? 0, probability: wait?.probability ?? 1)
        let waitMean = wait?.mean ?? 0
        let mean = hold + crossing + waitMean
        let variance = Swift.max(0, holdSecond - hold * hold) + Swift.max(0, w.second - waitMean * waitMean)
        let body: BranchTime.Body =
            node.steps.isEmpty && st.database == nil
            ? .visit(
                service: node.service ?? st.service, shift: crossing + (st.tls?.meanCost ?? 0),
                waitProbability: w.probability, waitRate: w.rate)
            : .fitted(mean: mean, scv: mean > 0 ? variance / (mean * mean) : 0)
        return .repeated(
            probability: node.probability, calls: node.meanCalls, pass: pass, mean: mean,
            second: variance + mean * mean, body: body)
    }

    /// A bounded queue's figures under `split` (`OfferedLoad.boundedQueue`), and the split whose
    /// model gave them: each instance an M/M/c/K queue fed its share, one M/M/nc/nK queue for
    /// joining the shortest queue, or power of two's mean field — independent M/M/c/K
    /// instances where the latter two cannot be had in bounded work.
    func boundedFigures(
        _ split: BalanceSplit, workers: Int, room: Int, instances n: Int, rate: Double, share: Double,
        meanService: Double
    ) -> (QueueFigures, BalanceSplit)? {
        switch split {
        case .sharedQueue(let k):
            let (servers, places) = workers.multipliedReportingOverflow(by: k)
            let (waiting, more) = room.multipliedReportingOverflow(by: k)
            if !places && !more,
                let q = FiniteQueue(servers: servers, waitingRoom: waiting, arrivalRate: rate, meanService: meanService)
            {
                return (q.figures(instances: k), split)
            }
        case .choices(let d):
            if let q = PowerOfChoices(
                choices: d, servers: workers, waitingRoom: room, arrivalRate: rate / Double(n), meanService: meanService
            ) {
                return (q.figures, split)
            }
        case .independent, .everyNth:
            return FiniteQueue(servers: workers, waitingRoom: room, arrivalRate: rate * share, meanService: meanService)
                .map { ($0.figures(), split) }
        }
        return FiniteQueue(servers: workers, waitingRoom: room, arrivalRate: rate * share, meanService: meanService)
            .map { ($0.figures(), .independent) }
    }
}
