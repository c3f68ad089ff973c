/// Offered load on a station from the model alone (no simulation): λ_s = λ · Σ_c share_c · visits_c(s),
/// utilisation = λ_s · E[S] / (instances · workers), and a queueing-theory estimate of the mean
/// wait, so `capsim validate` can say in a millisecond what a long run would show.
public struct OfferedLoad: Sendable, Equatable {
    public var name: String
    /// Requests per second arriving at the station (all instances together).
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

    /// A cache's expected hit ratio in the steady state (`ModelSpec.expectedHitRatios`); nil
    /// for a station that is not a cache.
    public var expectedHitRatio: Double?

    /// Parallel workers per instance (nil = unlimited) and whether the queue is bounded, which
    /// decide what an overload does.
    public var workers: Int?
    public var finiteQueue: Bool

    /// True when the offered load reaches capacity.
    public var overloaded: Bool { (utilization ?? 0) >= 1 }
    /// True when the offered load reaches capacity and the queue is unlimited: it grows without
    /// bound, so no steady state exists. (A bounded queue turns the excess away instead.)
    public var unstable: Bool { overloaded && !finiteQueue }

    public init(name: String, arrivalRate: Double, utilization: Double?, workers: Int?, finiteQueue: Bool,
                erlangCMeanWait: Double? = nil, meanWaitEstimate: Double? = nil) {
        self.name = name; self.arrivalRate = arrivalRate; self.utilization = utilization
        self.workers = workers; self.finiteQueue = finiteQueue
        self.erlangCMeanWait = erlangCMeanWait; self.meanWaitEstimate = meanWaitEstimate
    }
}

extension ModelSpec {
    /// Offered load on each station, in station order, computed from the spec alone.
    public func offeredLoad() -> [OfferedLoad] {
        let rates = classRates
        let peaks = peakClassRates
        // Squared coefficient of variation of the arrivals: 1 when every process is Poisson,
        // 0 when every one is constant, cv² when every one is gamma with that cv (a mix, and
        // mmpp2 or a trace, are taken as Poisson).
        let processes = classes.compactMap(\.arrivals) + (arrivals.map { [$0] } ?? [])
        var arrivalSCV: Double = processes.allSatisfy { if case .constant = $0 { true } else { false } } ? 0 : 1
        if case .gamma(_, let cv)? = processes.first,
           processes.allSatisfy({ if case .gamma(_, cv) = $0 { true } else { false } }) { arrivalSCV = cv * cv }
        // Per class and call-tree node: mean visits per request, and the mean time a visit
        // holds its worker — its own service, plus in synchronous mode the calls it makes (a
        // lower bound: waits downstream add to it, and a fan-out takes the slowest branch,
        // whose mean exceeds the largest branch mean).
        // Below a cache, visits and held time count only its misses (`expectedHitRatios`).
        let hits = expectedHitRatios()
        let trees = classes.map { c -> (visits: [Double], hold: [Double]) in
            var hold = c.calls.map { stations[$0.station].service.mean }
            if c.mode == .synchronous {
                for n in c.calls.indices.reversed() {
                    let miss = 1 - (hits[c.calls[n].station] ?? 0)
                    for step in c.calls[n].steps {
                        let branch = { (m: Int) in miss * c.calls[m].probability * c.calls[m].meanCalls * hold[m] }
                        switch step {
                        case .call(let m): hold[n] += branch(m)
                        case .parallel(let ms): hold[n] += ms.map(branch).max() ?? 0
                        }
                    }
                }
            }
            return (cacheVisits(c, hits: hits), hold)
        }
        return stations.enumerated().map { (s, st) in
            if st.database != nil { return databaseLoad(station: s, rates: rates, peaks: peaks, trees: trees) }
            var rate = 0.0, holding = 0.0, peak = 0.0
            for (k, c) in classes.enumerated() {
                for (n, node) in c.calls.enumerated() where node.station == s {
                    rate += rates[k] * trees[k].visits[n]
                    peak += (peaks?[k] ?? 0) * trees[k].visits[n]
                    holding += rates[k] * trees[k].visits[n] * trees[k].hold[n]
                }
            }
            let meanService = rate > 0 ? holding / rate : st.service.mean
            guard let workers = st.workers else {
                var load = OfferedLoad(name: st.name, arrivalRate: rate, utilization: nil, workers: nil,
                                       finiteQueue: st.queueCapacity != nil, erlangCMeanWait: 0, meanWaitEstimate: 0)
                if peaks != nil { load.peakArrivalRate = peak }
                load.expectedHitRatio = hits[s]
                return load
            }
            // The busiest instance (weighted round robin and hashed keys load them unequally) saturates first.
            let share = heaviestInstanceShare(station: s)
            let u = rate * share * meanService / Double(workers)
            var load = OfferedLoad(name: st.name, arrivalRate: rate, utilization: u, workers: workers,
                                   finiteQueue: st.queueCapacity != nil)
            if abs(share * Double(st.instances) - 1) > 1e-9 { load.unequalShare = share }
            load.expectedHitRatio = hits[s]
            if peaks != nil {
                load.peakArrivalRate = peak
                load.peakUtilization = peak * share * meanService / Double(workers)
            }
            if st.discipline == .processorSharing {
                // Under processor sharing nothing waits: every admitted request is in service
                // (its sojourn stretches instead, E[S]/(1 − ρ) for M/G/1-PS).
                load.erlangCMeanWait = 0
                load.meanWaitEstimate = 0
            } else if st.queueCapacity == nil, u < 1, rate > 0, meanService.isFinite, meanService > 0 {
                let perInstance = rate * share
                let a = perInstance * meanService
                let wait = ErlangC.probabilityOfWaiting(servers: workers, load: a)
                    / (Double(workers) / meanService - perInstance)
                let serviceSCV = st.service.variance / (meanService * meanService)
                load.erlangCMeanWait = wait
                load.meanWaitEstimate = serviceSCV.isFinite ? wait * (arrivalSCV + serviceSCV) / 2 : nil
            }
            return load
        }
    }
}

/// Erlang's formulas for c parallel servers offered a erlangs.
public enum ErlangC {
    /// Probability that an arrival must wait in M/M/c, C(c, a) = B/(1 − ρ + ρB), from Erlang B
    /// by its stable recursion B(k) = aB(k−1)/(k + aB(k−1)) (no factorials, no overflow for
    /// thousands of servers). Requires a < c.
    public static func probabilityOfWaiting(servers c: Int, load a: Double) -> Double {
        var b = 1.0
        for k in 1...max(c, 1) { b = a * b / (Double(k) + a * b) }
        let rho = a / Double(c)
        return b / (1 - rho + rho * b)
    }
}
