import SimKernel
import SimRandom

/// Rolling, canary and blue-green deploys (see `DeploySpec`): their steps as kernel events, the new
/// version's errors and latency as it answers, and the analysis's decision at the end of the
/// bake. Nothing here runs per request unless an instance runs a deployed version.
extension Simulation {
    /// Builds the deploys' state (from `init`).
    mutating func setUpDeploys() {
        for (d, spec) in spec.deploys.enumerated() {
            let s = spec.station
            deploys.entries.append(
                DeployState(
                    spec: spec, first: Int(stations[s].firstInstance), count: Int(stations[s].instanceCount),
                    stream: streams.stream(path: "events.deploy\(d)." + self.spec.stations[s].name, purpose: .deploy))
            )
            // On a cluster the extra fleet is pods that need room on the nodes.
            if self.spec.stations[s].pod != nil && spec.holdsExtra {
                let count = spec.isBlueGreen ? self.spec.stations[s].instances : spec.surge
                deploys.entries[d].pods = addDeployPods(count, station: s, deploy: d)
            }
        }
    }

    /// Schedules each deploy's start.
    mutating func startDeploys() {
        let end = spec.window.horizon + spec.window.drain
        for (d, e) in deploys.entries.enumerated() where e.spec.at < end {
            kernel.schedule(.deploy(.begin(deploy: Int32(d))), at: e.spec.at)
        }
    }

    mutating func handle<Sink: RecordSink & ~Copyable>(_ event: DeployEvent, into sink: inout Sink) {
        switch event {
        case .begin(let d): beginDeploy(Int(d))
        case .batchDown(let d):
            let e = deploys.entries[Int(d)]
            for i in e.step.prefix(e.stepOut) { setDown(Int32(i), DownReason.maintenance, mode: .crash, into: &sink) }
            kernel.schedule(.deploy(.batchUp(deploy: d)), after: deploys.entries[Int(d)].spec.restart)
        case .batchUp(let d):
            let e = deploys.entries[Int(d)]
            if e.phase == .promoting && !deployPodsRun(e.pods) {
                deploys.entries[Int(d)].stepProgress = .waitingForPods
            } else {
                stepDone(Int(d), into: &sink)
            }
        case .switchOver(let d):
            let e = deploys.entries[Int(d)]
            guard e.phase == .provisioning, deployPodsRun(e.pods) else { return }
            for i in e.first..<e.first + e.count { install(Int(d), on: i, new: true) }
            deploys.entries[Int(d)].enter(.baking)
            kernel.schedule(.deploy(.judge(deploy: d)), after: e.spec.bake)
        case .judge(let d): judge(Int(d))
        }
    }

    private mutating func beginDeploy(_ d: Int) {
        let e = deploys.entries[d]
        switch e.spec.strategy {
        case .rolling:
            deploys.entries[d].enter(.promoting)
            deploys.entries[d].hold(e.spec.surge, at: kernel.now)
            holdDeployPods(e.pods)
            if isAutoscaled(e) {
                // Instances the autoscaler does not hold, or is still provisioning, start on the
                // new version; the steps walk the ones serving.
                for i in e.first..<e.first + e.count
                where autoscaling.phase[i] == AutoscalePhase.unprovisioned
                    || autoscaling.phase[i] == AutoscalePhase.provisioning
                {
                    install(d, on: i, new: true)
                }
            }
            beginPromotionStep(d, from: e.first)
        case .canary(let k, _, _):
            deploys.entries[d].enter(.startingCanary)
            beginStep(d, Array(e.first..<e.first + k), cursor: e.first + k, out: k, installsNew: true)
        case .blueGreen(let provision, _):
            deploys.entries[d].enter(.provisioning)
            deploys.entries[d].hold(e.count, at: kernel.now)
            if e.pods.isEmpty {
                kernel.schedule(.deploy(.switchOver(deploy: Int32(d))), after: provision)
            } else {
                // On a cluster the switch waits for the second fleet's pods to run.
                holdDeployPods(e.pods)
            }
        }
    }

    /// The promotion step from instance `first` (global): the next `batch` instances that take
    /// part out of the rotation and `surge` more replaced beside them, as far as the pool goes;
    /// with none left the rollout is over. Every instance of a fixed pool takes part; of an
    /// autoscaled pool, those serving on an older version (not those it does not hold, drains
    /// or provisions: they start on the new version).
    private mutating func beginPromotionStep(_ d: Int, from first: Int) {
        let e = deploys.entries[d]
        let end = e.first + e.count
        let autoscaled = isAutoscaled(e)
        var step: [Int] = []
        var cursor = first
        while cursor < end && step.count < e.spec.batch + e.spec.surge {
            if !autoscaled
                || (autoscaling.phase[cursor] == AutoscalePhase.serving && instances[cursor].version != Int32(d))
            {
                step.append(cursor)
            }
            cursor += 1
        }
        guard !step.isEmpty else {
            deploys.entries[d].hold(0, at: kernel.now)
            releaseDeployPods(e.pods)
            deploys.entries[d].enter(.promoted)
            return
        }
        beginStep(d, step, cursor: cursor, out: min(e.spec.batch, step.count), installsNew: true)
    }

    /// Whether deploy e's pool is autoscaled (its steps walk the instances serving).
    private func isAutoscaled(_ e: DeployState) -> Bool {
        !autoscaling.phase.isEmpty && spec.stations[e.spec.station].autoscale != nil
    }

    /// The deploy whose version an instance the autoscaler provisions for pool s starts on: the
    /// last rolling deploy of s begun so far (nil: the pool's own version).
    func versionForNewInstances(station s: Int) -> Int? {
        deploys.entries.lastIndex { $0.spec.station == s && $0.phase != .scheduled }
    }

    /// Instance i, about to be provisioned, starts on deploy d's version.
    mutating func startOnVersion(_ d: Int, instance i: Int) { install(d, on: i, new: true) }

    /// A step: its first `out` instances leave the rotation and drain, then restart; the others
    /// (surged) serve on until the step's end, when their replacements take over. The next
    /// step looks from `cursor`.
    private mutating func beginStep(_ d: Int, _ step: [Int], cursor: Int, out: Int, installsNew: Bool) {
        deploys.entries[d].step = step
        deploys.entries[d].stepCursor = cursor
        deploys.entries[d].stepOut = out
        deploys.entries[d].stepInstallsNew = installsNew
        for i in step.prefix(out) {
            instances[i].outReasons |= OutReason.deploy
            refreshEligibility(i)
        }
        kernel.schedule(.deploy(.batchDown(deploy: Int32(d))), after: deploys.entries[d].spec.drain)
    }

    /// A step's instances have restarted: they run the version it installs and rejoin the
    /// rotation at once (their readiness check passes, as after a rolling restart).
    private mutating func stepDone<Sink: RecordSink & ~Copyable>(_ d: Int, into sink: inout Sink) {
        let e = deploys.entries[d]
        for i in e.step.dropFirst(e.stepOut) { install(d, on: i, new: e.stepInstallsNew) }
        for i in e.step.prefix(e.stepOut) {
            install(d, on: i, new: e.stepInstallsNew)
            setUp(Int32(i), DownReason.maintenance, into: &sink)
            if instances[i].up { markHealthy(i, true) }
            instances[i].outReasons &= ~OutReason.deploy
            refreshEligibility(i)
        }
        switch e.phase {
        case .startingCanary:
            deploys.entries[d].enter(.baking)
            kernel.schedule(.deploy(.judge(deploy: Int32(d))), after: e.spec.bake)
        case .promoting: beginPromotionStep(d, from: e.stepCursor)
        case .rollingBack: deploys.entries[d].enter(.rolledBack)
        default: preconditionFailure("a deploy step ends only while it starts, promotes or rolls back")
        }
    }

    /// One of deploy d's pods on a cluster runs (from `extraPodReady`): once they all run, a
    /// blue-green deploy switches and a step that waited for them ends (as events now, so the
    /// deploy goes on from its own handler).
    mutating func deployPodRuns(deploy d: Int) {
        let e = deploys.entries[d]
        guard deployPodsRun(e.pods) else { return }
        if e.phase == .provisioning {
            kernel.schedule(.deploy(.switchOver(deploy: Int32(d))), after: .zero)
        } else if e.phase == .promoting && e.stepProgress == .waitingForPods {
            deploys.entries[d].stepProgress = .underWay
            kernel.schedule(.deploy(.batchUp(deploy: Int32(d))), after: .zero)
        }
    }

    /// Instance i runs deploy d's new version (`new`), or again the version d replaced on it (a
    /// rollback: an earlier deploy's, with its error rate, or the pool's own).
    private mutating func install(_ d: Int, on i: Int, new: Bool) {
        let factor = deploys.entries[d].spec.version.serviceFactor
        if new && instances[i].version != Int32(d) {
            deploys.entries[d].replaced[i - deploys.entries[d].first] = instances[i].version
            instances[i].version = Int32(d)
            instances[i].slowdown *= factor
        } else if !new && instances[i].version == Int32(d) {
            instances[i].version = deploys.entries[d].replaced[i - deploys.entries[d].first]
            instances[i].slowdown /= factor
        }
    }

    /// The bake is over: the analysis (if any) decides between promoting and rolling back.
    private mutating func judge(_ d: Int) {
        let e = deploys.entries[d]
        var verdict = DeployVerdict.promote
        if let analysis = e.spec.analysis {
            switch analysis.verdict(responses: e.responses, errors: e.errors, slow: e.slow) {
            case .pass: verdict = .promote
            case .fail: verdict = .rollBack
            case .inconclusive: verdict = analysis.onInconclusive
            }
        }
        switch e.spec.strategy {
        case .rolling: preconditionFailure("a rolling deploy has no bake to judge")
        case .canary(let k, _, _):
            if verdict == .rollBack {
                deploys.entries[d].enter(.rollingBack)
                beginStep(d, Array(e.first..<e.first + k), cursor: e.first + k, out: k, installsNew: false)
            } else if k < e.count {
                deploys.entries[d].enter(.promoting)
                deploys.entries[d].hold(e.spec.surge, at: kernel.now)
                holdDeployPods(e.pods)
                beginPromotionStep(d, from: e.first + k)
            } else {
                deploys.entries[d].enter(.promoted)
            }
        case .blueGreen:
            // The idle fleet is released either way: the old one after a promotion, the new
            // one when traffic switches straight back.
            deploys.entries[d].hold(0, at: kernel.now)
            releaseDeployPods(e.pods)
            if verdict == .rollBack {
                for i in e.first..<e.first + e.count { install(d, on: i, new: false) }
                deploys.entries[d].enter(.rolledBack)
            } else {
                deploys.entries[d].enter(.promoted)
            }
        }
    }

    /// Request r's service has just ended at an instance running a deployed version: the
    /// response is counted for the analysis, and with the version's error rate it is an error
    /// — the visit ends (the hop is reported, the worker released) and the request fails with
    /// `server_error`, blamed on the pool. Returns false for a request that goes on.
    mutating func failedByVersion<Sink: RecordSink & ~Copyable>(_ r: Int32, into sink: inout Sink) -> Bool {
        let q = requests[r]
        let d = Int(instances[Int(q.instance)].version)
        guard d >= 0 else { return false }
        let now = kernel.now
        deploys.entries[d].responses &+= 1
        let rate = deploys.entries[d].spec.version.errorRate
        if rate > 0 {
            let stream = deploys.entries[d].stream
            seatDraws(stream, for: r)
            if stream.uniform() < rate {
                deploys.entries[d].errors &+= 1
                let s = Int(instances[Int(q.instance)].station)
                if stations[s].sharing { completeSharing(r, at: q.instance, station: s) }
                reportHop(
                    at: s, of: q, on: q.instance, arrived: q.hopArrival, started: q.serviceStart, served: now,
                    into: &sink)
                release(q.instance, station: s, into: &sink)
                fail(r, .serverError, into: &sink)
                return true
            }
        }
        if now.nanoseconds &- q.hopArrival.nanoseconds > deploys.entries[d].slowAbove {
            deploys.entries[d].slow &+= 1
        }
        return false
    }

    /// The deploys' counters into a snapshot, and a blue-green deploy's extra fleet into its
    /// pool's held (billed) instance-time.
    mutating func deploySnapshot(_ now: SimTime) {
        counters.deployResponses.removeAll(keepingCapacity: true)
        counters.deployErrors.removeAll(keepingCapacity: true)
        counters.deployOutcomes.removeAll(keepingCapacity: true)
        for e in deploys.entries {
            counters.deployResponses.append(e.responses)
            counters.deployErrors.append(e.errors)
            counters.deployOutcomes.append(e.outcome)
            counters.heldIntegral[e.spec.station] += e.extraHeldIntegral(at: now)
        }
    }
}
