import ArgumentParser
import InfraModel
import Reporting
import ScenarioLanguage
import SimKernel
import SimStats
import Theory

/// `capsim validate FILE`: check a scenario without simulating it, and compare the offered load
/// with the capacity of each component — a dry run that answers "will this design hold?" in a
/// millisecond, before anyone waits for a simulation.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario and show offered load against capacity per component.",
        discussion: """
            Reports every problem at once (file:line:column, key path, what was expected and \
            what was found), then, for a valid scenario, each component's offered load, \
            utilisation and an estimate of the mean wait for a worker: Erlang C (each instance \
            an M/M/c queue; exact, shown without ≈, in a Jackson network), corrected for the \
            service time's variability by Allen–Cunneen (exact, Pollaczek–Khinchine, for \
            M/G/1 fed Poisson arrivals); constant or gamma arrivals that reach an instance \
            untouched, with exponential service, make it GI/M/c, solved exactly (Takács). \
            Over several \
            instances the balancing policy decides the model: random splits are independent \
            queues, round robin's more regular arrivals E_n/M/1, E_n/M/c (Takács) or \
            Allen–Cunneen with c_a²/n, \
            least_outstanding one queue over all workers (a floor), power_of_two its mean \
            field. With a bounded \
            queue each instance is an M/M/c/K queue, at any load: the share it turns away, \
            the utilisation it carries and the wait of what it admits (Erlang B with no \
            waiting room; GI/M/c/K, exact, for the renewal arrivals above). Where the wait's \
            whole law is exact (M/M/c, GI/M/c, M/M/c/K with exponential service, first come \
            first served) the line ends with its p99 and the JSON adds wait_quantiles. \
            Where waiting requests give up (a queue timeout, or drop_expired \
            under the clients' timeouts) each instance is M/M/c+G: Erlang-A for exponential \
            patience, M/M/c+D for a fixed one — the share that gives up, the utilisation \
            carried and the wait. A component at or above 100 % is flagged UNSTABLE (its queue \
            grows without bound) or, with a bounded queue or requests that give up, \
            OVERLOADED (the excess is turned away or leaves unserved): a warning, not an error. \
            A closed workload (process: closed: users who think between requests) is solved by \
            mean value analysis: each population's throughput and response time, then each \
            component at that throughput with MVA's mean wait; a synchronous chain, whose \
            callers hold their workers through their calls, by flow-equivalent servers.

            Exit codes: 0 valid, 64 usage error, 65 invalid scenario, 66 file missing or \
            unreadable. With --format json the report goes to standard output in every case.

            Examples:
              capsim validate Scenarios/tandem.yaml
              capsim validate Scenarios/mm1.yaml --set workload.arrivals.rate=1200/s
              capsim validate Scenarios/mmc.yaml --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Scenario file (YAML).", completion: .file(extensions: ["yaml", "yml", "json"]))
    var file: String

    @OptionGroup var scenario: ScenarioOptions

    @Option(help: "Output format: text for people, json for tools and editors.")
    var format: Format = .text

    func run() throws {
        guard format == .json else {
            // The same messages and exit codes as every other command that reads a scenario.
            Console.current.out(Self.text(try scenario.load(file)))
            return
        }
        let overrides = try scenario.parsedOverrides()
        do throws(ScenarioLoadError) {
            let loaded = try ScenarioLoader.load(path: file, overrides: overrides)
            Console.current.out(Self.json(file: file, scenario: loaded, diagnostics: []).text)
        } catch {
            // Standard output carries the JSON either way; the exit code says what went wrong.
            switch error {
            case .unreadable(let f, let reason):
                let d = Diagnostic(
                    location: SourceLocation(file: f, line: nil, column: nil), keyPath: "",
                    message: "cannot read the scenario file: \(reason)")
                Console.current.out(Self.json(file: file, scenario: nil, diagnostics: [d]).text)
                throw CLIError(.inputMissing, "")
            case .invalid(let e):
                Console.current.out(Self.json(file: file, scenario: nil, diagnostics: e.diagnostics).text)
                throw CLIError(e.missingInput ? .inputMissing : .invalidScenario, "")
            }
        }
    }

    /// The text report: a summary line, then one line per component (per sweep point, if any).
    static func text(_ s: Scenario) -> String {
        var rows = [
            "\(s.file): ok — \(s.name), \(s.model.stations.count) component(s), \(s.replications) replications, seed \(s.seed)"
        ]
        let attacks = s.model.classes.filter(\.attack).map(\.name)
        if !attacks.isEmpty {
            rows.append(
                "  attack class(es): \(attacks.joined(separator: ", ")) — their load is in the figures below; the run leaves them out of the headline request figures"
            )
        }
        let points = s.points.count > 1 ? s.points : [s]
        for p in points {
            var indent = "  "
            if points.count > 1 {
                rows.append("  " + p.axes.map { "\($0.path)=\($0.text)" }.joined(separator: ", ") + ":")
                indent = "    "
            }
            let jackson = p.model.isJacksonNetwork
            if p.model.hasClosedWorkload { rows.append(indent + closedLine(p.model)) }
            let loads = p.model.offeredLoad()
            let laws = p.model.exactWaitLaws(loads)
            for (s, (load, station)) in zip(loads, p.model.stations).enumerated() {
                let exact = jackson || p.model.isExactUnlimitedQueue(station: s)
                // The wait's p99 where its law is exact and some requests wait at all.
                let p99 = laws[s].flatMap { $0.phaseWeights.isEmpty ? nil : $0.quantile(0.99) }
                rows.append(
                    indent
                        + line(
                            load, station, exact: exact,
                            exactQueue: p.model.isExactFiniteQueue(station: s)
                                || p.model.isExactImpatientQueue(station: s))
                        + (p99.map { ", wait p99 \(duration($0))" } ?? ""))
                if let waits = load.priorityWaits {
                    rows.append(indent + "  " + priorityLine(waits, load, station, exact: exact))
                }
            }
            for c in p.model.clusters.indices { rows.append(indent + clusterLine(p.model, c)) }
            for d in p.model.deployLoads(loads) { rows.append(indent + deployLine(p.model, d)) }
            for b in p.model.backupLoads() { rows.append(indent + backupLine(p.model, b)) }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// The line of one component; under time-varying load its offered load is the mean over the
    /// horizon, and its peak follows (flagged when the peak alone reaches capacity).
    /// `exact`: the model is a Jackson network (`ModelSpec.isJacksonNetwork`), or this station's
    /// unlimited queue is exact on its own (`ModelSpec.isExactUnlimitedQueue`); `exactQueue`:
    /// M/M/c/K or M/M/c+G is exact at this station (`ModelSpec.isExactFiniteQueue`,
    /// `isExactImpatientQueue`).
    static func line(_ load: OfferedLoad, _ station: StationSpec, exact: Bool, exactQueue: Bool) -> String {
        let text = loadLine(load, station, exact: exact, exactQueue: exactQueue)
        // An autoscaled pool: every instance up to max is in the model, and the figures use them all.
        guard let a = station.autoscale else { return text }
        return text + "  (autoscaled \(a.min)–\(a.max): figures at max \(a.max) instances)"
    }

    static func loadLine(_ load: OfferedLoad, _ station: StationSpec, exact: Bool, exactQueue: Bool) -> String {
        let s = stationaryLine(load, station, exact: exact, exactQueue: exactQueue)
        guard let peak = load.peakArrivalRate else { return s }
        let head = "\(load.name): offered "
        var t = head + "mean " + s.dropFirst(head.count)
        t += "; peak \(TableReport.fixed(peak, 2))/s"
        if let u = load.peakUtilization { t += ", utilisation \(TableReport.fixed(u * 100, 1)) %" }
        if load.peakOverloaded {
            t +=
                load.finiteQueue
                ? "  — PEAK OVERLOAD: requests are turned away (queue_full) while the rate stays this high"
                : "  — PEAK OVERLOAD: the queue grows while the rate stays this high"
        }
        return t
    }

    static func stationaryLine(_ load: OfferedLoad, _ station: StationSpec, exact: Bool, exactQueue: Bool) -> String {
        var s = "\(load.name): offered \(TableReport.fixed(load.arrivalRate, 2))/s"
        if let p = load.passRatio {
            s +=
                ", its rate limit lets \(TableReport.fixed(p * 100, 1)) % through (\(TableReport.fixed(load.arrivalRate * p, 2))/s)"
        }
        if let h = load.expectedHitRatio { s += ", expected hit ratio \(TableReport.fixed(h * 100, 1)) %" }
        guard let u = load.utilization, let c = station.workers else {
            return s + ", unlimited workers (no waiting)"
        }
        s +=
            ", utilisation \(TableReport.fixed(u * 100, 1)) %"
            + (load.unequalShare != nil ? " at the busiest instance" : "")
        if let nodes = load.databaseNodes, nodes.count > 1 {
            // A database: each node at its own service time over its own workers.
            let each = nodes.map { n in
                "\(n.name) " + (n.utilization.map { TableReport.fixed($0 * 100, 1) + " %" } ?? "unlimited workers")
            }
            s += " (" + each.joined(separator: ", ") + ")"
        }
        if let w = load.closedWait {
            let model = w.method == .synchronousChain ? "synchronous chain" : "MVA"
            return s + ", mean wait \(w.exact ? "" : "≈ ")\(duration(w.meanWait)) (\(model), closed workload)"
        }
        if let q = load.impatience { return s + ", " + impatienceText(q, load, station, exact: exactQueue) }
        if load.unstable { return s + "  — UNSTABLE: offered load exceeds capacity" }
        if load.overloaded && load.dropsWaiting {
            // Requests give up waiting (a patience with no model here): at least the excess leaves unserved.
            let causes = load.finiteQueue ? "timeout, queue_full" : "timeout"
            return s
                + "  — OVERLOADED: at least \(TableReport.fixed((1 - 1 / u) * 100, 1)) % of its requests\(load.unequalShare != nil ? " at the busiest instance" : "") leave unserved (\(causes))"
        }
        if load.overloaded, let share = load.unequalShare {
            // Only the busiest instance is known to be over capacity: it loses at least 1 − 1/u of its share.
            return s
                + "  — OVERLOADED: it turns away at least \(TableReport.fixed((1 - 1 / u) * 100, 1)) % of its requests (queue_full), at least \(TableReport.fixed(share * (1 - 1 / u) * 100, 2)) % of the component's"
        }
        if load.overloaded {
            return s
                + "  — OVERLOADED: at least \(TableReport.fixed((1 - 1 / u) * 100, 1)) % of its requests will be turned away (queue_full)"
                + (load.boundedQueue.map { "; " + boundedQueueText($0, load, station, exact: exactQueue) } ?? "")
        }
        if let queue = load.boundedQueue {
            return s + ", " + boundedQueueText(queue, load, station, exact: exactQueue)
        }
        if station.discipline == .processorSharing {
            return s + ", processor sharing: nothing waits (mean sojourn E[S]/(1 − ρ) for one core)"
        }
        guard let erlang = load.erlangCMeanWait else {
            return s
                + (load.databaseNodes != nil
                    ? ", no wait estimate for a database" : ", finite queue (no Erlang C estimate)")
        }
        let model = "M/M/\(c)"
        if let waits = load.priorityWaits, let estimate = load.meanWaitEstimate {
            let sure = priorityExact(waits, load, station, exact: exact)
            return s + ", mean wait \(sure ? "" : "≈ ")\(duration(estimate)) over all classes (by priority below)"
        }
        if let q = load.renewalQueue {
            return s + ", " + renewalText(q, erlang: erlang)
        }
        if load.split != .independent, let estimate = load.meanWaitEstimate {
            // The policy shapes the waits: its own model, and Erlang C's independent instances beside it.
            let how =
                switch load.split {
                case .everyNth(let k):
                    load.erlangArrivals
                        ? "E\(k)/M/1: round robin gives each instance one arrival in \(k)"
                        : "round robin gives each instance one arrival in \(k): Allen–Cunneen with its arrivals' c_a² over \(k)"
                case .sharedQueue(let k):
                    "one queue over all instances, M/M/\(k * c): a floor for joining the shortest queue"
                case .choices(let d): "power of \(d) choices, mean field"
                case .independent: ""
                }
            let scaled =
                load.split.isRoundRobin || (exponentialService(station) && station.tls == nil && !load.mixedDemand)
                ? "" : ", scaled for variability by Allen–Cunneen"
            return s
                + ", mean wait ≈ \(duration(estimate)) (\(how)\(scaled); Erlang C per instance, \(model): \(duration(erlang)))"
        }
        // Erlang C's wait, unless arrivals other than Poisson scaled it (Allen–Cunneen, below).
        let poisson = load.meanWaitEstimate.map { abs($0 - erlang) <= 1e-12 * erlang } ?? true
        if case .exponential = station.service, station.tls == nil, !load.mixedDemand, poisson {
            return s + ", mean wait \(exact ? "" : "≈ ")\(duration(erlang)) (Erlang C, \(model))"
        }
        guard let estimate = load.meanWaitEstimate else {
            return s + ", mean wait ≈ \(duration(erlang)) if service were exponential (Erlang C, \(model))"
        }
        if exact, c == 1, station.tls == nil {
            return s
                + ", mean wait \(duration(estimate)) (Pollaczek–Khinchine, M/G/1; Erlang C for \(model): \(duration(erlang)))"
        }
        return s + ", mean wait ≈ \(duration(estimate)) (Allen–Cunneen; Erlang C for \(model): \(duration(erlang)))"
    }

    /// A cluster's line: its nodes, what its pods request in all (an autoscaled pool's at its
    /// `max`), and the fewest nodes that could hold that (flagged when the cluster has fewer —
    /// with a cluster autoscaler, fewer even at its `max`: some pods are sure to be pending).
    static func clusterLine(_ m: ModelSpec, _ c: Int) -> String {
        let cluster = m.clusters[c]
        let r = m.clusterRequests(c)
        func cpu(_ millicores: Int) -> String { TableReport.fixed(Double(millicores) / 1000, 2) + " CPU" }
        func memory(_ bytes: Int) -> String { TableReport.fixed(Double(bytes) / 1_073_741_824, 2) + " GiB" }
        let nodes =
            cluster.autoscale.map { "\($0.min) to \(cluster.nodes) node(s) (autoscaled, \($0.initial) at the start)" }
            ?? "\(cluster.nodes) node(s)"
        var s =
            "\(cluster.name): cluster of \(nodes) of \(cpu(cluster.nodeCPU)), \(memory(cluster.nodeMemory)); its \(r.pods) pod(s) request \(cpu(r.cpu)), \(memory(r.memory)) in all: at least \(r.minimumNodes) node(s) (whole pods may need more)"
        if r.minimumNodes > cluster.nodes {
            s += "  — TOO FEW NODES: some pods will be pending from the start"
        }
        return s
    }

    /// A deploy's line: the instances a step takes out and the utilisation of those left
    /// (flagged when they cannot carry the load), and on a cluster its extra pods and the nodes
    /// the cluster needs with them (flagged when it can never hold them).
    static func deployLine(_ m: ModelSpec, _ d: DeployLoad) -> String {
        let pool = m.stations[d.station].name
        var s = "deploy of \(pool) at \(d.at - SimTime.zero) (\(d.strategy)): "
        if d.out == 0 {
            s += "no instance out of the rotation"
        } else if let n = d.instances {
            s += "\(d.out) of \(n) instance(s) out per step"
            if let u = d.stepUtilization {
                let percent = TableReport.fixed(u * 100, 1)
                s += u.isFinite ? ", utilisation \(percent) % while one is under way" : ", none left"
            }
        } else {
            s += "\(d.out) of the instances serving out per step (autoscaled)"
        }
        if let needed = d.nodesNeeded, let nodes = d.clusterNodes, let pod = m.stations[d.station].pod {
            s +=
                "; \(d.extraPods) extra pod(s) on \(m.clusters[pod.cluster].name): with them its pods need at least \(needed) node(s), of \(nodes) it may hold"
        }
        if d.overloadedDuringStep {
            s += "  — OVERLOADED DURING EACH STEP: the instances left cannot carry the offered load"
        }
        if d.extraPodsNeverFit {
            s += "  — TOO FEW NODES: the cluster can never hold the extra pods, so the deploy waits for them to the end"
        }
        return s
    }

    /// A database's backups: the node they read and its utilisation during the busiest one,
    /// without and with the backup's load (flagged when the node cannot carry it).
    static func backupLine(_ m: ModelSpec, _ b: BackupLoad) -> String {
        let db = m.stations[b.station].name
        guard b.backups > 0 else { return "backups of \(db): none starts before the horizon" }
        var s = "backups of \(db) read \(b.node) (\(b.backups) start before the horizon"
        if b.backups == BackupLoad.windowsWeighed { s += ", the first \(b.backups) weighed" }
        s += "; service ×\(TableReport.fixed(b.serviceFactor, 2))"
        if let w = b.workers { s += ", \(b.heldWorkers) of \(w) workers held" }
        s += "): "
        guard let u = b.utilization, let during = b.backupUtilization else {
            return s + "unlimited workers, no utilisation to weigh"
        }
        s += "utilisation \(TableReport.fixed(u * 100, 1)) % → "
        s += during.isFinite ? "\(TableReport.fixed(during * 100, 1)) %" : "no worker left"
        s += " during the busiest (at \(b.busiestAt - SimTime.zero)"
        s += b.atPeakRate ? ", arrivals at their peak rate: an upper bound)" : ")"
        if b.overloadedDuringBackup {
            s += "  — OVERLOADED DURING BACKUPS: the node cannot carry its load while a backup runs"
        }
        return s
    }

    static func duration(_ seconds: Double) -> String { TableReport.format(seconds, .seconds) }

    /// The levels of the JSON's `wait_quantiles`, named as the run's `hop.<c>.wait.*` metrics.
    static let waitQuantileLevels: [(name: String, level: Double)] = [
        ("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99), ("p999", 0.999),
    ]

    /// The JSON report: `{file, ok, name, hash, diagnostics, stations}` (and `points` for a sweep).
    static func json(file: String, scenario s: Scenario?, diagnostics: [Diagnostic]) -> JSONValue {
        func stations(_ m: ModelSpec) -> JSONValue {
            let loads = m.offeredLoad()
            return .array(
                zip(loads, m.exactWaitLaws(loads)).map { l, law in
                    var pairs: [(key: String, value: JSONValue)] = [
                        ("name", .string(l.name)),
                        ("arrival_rate", .number(l.arrivalRate)),
                        ("utilization", .number(l.utilization)),
                        ("unstable", .bool(l.unstable)),
                        ("overloaded", .bool(l.overloaded)),
                        ("erlang_c_mean_wait", .number(l.erlangCMeanWait)),
                        ("mean_wait_estimate", .number(l.meanWaitEstimate)),
                    ]
                    // Only when instances are loaded unequally (weighted round robin, consistent hashing).
                    if let share = l.unequalShare { pairs.append(("busiest_instance_share", .number(share))) }
                    if let h = l.expectedHitRatio { pairs.append(("expected_hit_ratio", .number(h))) }
                    if let p = l.passRatio { pairs.append(("rate_limit_pass_ratio", .number(p))) }
                    // The model of the wait under the balancing policy (`BalanceSplit`).
                    let model =
                        switch l.split {
                        case _ where l.renewalQueue != nil || l.finiteRenewalQueue != nil:
                            if case .poisson = (l.renewalQueue?.gaps ?? l.finiteRenewalQueue?.gaps)?.source {
                                "erlang_arrivals"
                            } else {
                                "renewal_arrivals"
                            }
                        case .independent: "independent"
                        case .everyNth: l.erlangArrivals ? "erlang_arrivals" : "round_robin"
                        case .sharedQueue: "shared_queue"
                        case .choices: "power_of_two_mean_field"
                        }
                    pairs.append(("wait_model", .string(model)))
                    if let q = l.renewalQueue { pairs.append(("wait_probability", .number(q.waitProbability))) }
                    if let law {
                        // The wait's exact law at each instance (`ModelSpec.exactWaitLaws`).
                        pairs.append(
                            (
                                "wait_quantiles",
                                .object(
                                    waitQuantileLevels.map { (key: $0.name, value: .number(law.quantile($0.level))) })
                            ))
                    }
                    if let q = l.impatience {
                        // M/M/c+G at the busiest instance (`OfferedLoad.impatience`).
                        pairs.append(("abandonment", .number(q.abandonment)))
                        if q.waitingRoom != nil { pairs.append(("blocking", .number(q.blocking))) }
                        pairs.append(("carried_utilization", .number(q.utilization)))
                        pairs.append(("wait_probability", .number(q.waitProbability)))
                        if !l.clientsPatience { pairs.append(("mean_in_system", .number(q.meanInSystem))) }
                    } else if let q = l.boundedQueue {
                        // M/M/c/K (GI/M/c/K for renewal arrivals) at the busiest instance
                        // (`OfferedLoad.boundedQueue`).
                        pairs.append(("blocking", .number(q.blocking)))
                        pairs.append(("carried_utilization", .number(q.utilization)))
                        pairs.append(("wait_probability", .number(q.waitProbability)))
                        pairs.append(("mean_in_system", .number(q.meanInSystem)))
                    }
                    if let waits = l.priorityWaits {
                        let each: [JSONValue] = waits.levels.map { level in
                            .object([
                                ("classes", .array(level.classes.map { .string($0) })),
                                ("utilization", .number(level.utilization)), ("mean_wait", .number(level.meanWait)),
                            ])
                        }
                        pairs.append(("priority_waits", .array(each)))
                        if waits.preemptive { pairs.append(("priority_preemptive", .bool(true))) }
                    }
                    if let nodes = l.databaseNodes {
                        let each: [JSONValue] = nodes.map { n in
                            var node: [(key: String, value: JSONValue)] = [
                                ("name", .string(n.name)), ("arrival_rate", .number(n.arrivalRate)),
                                ("utilization", .number(n.utilization)),
                            ]
                            if let peak = n.peakArrivalRate {
                                node += [
                                    ("peak_arrival_rate", .number(peak)),
                                    ("peak_utilization", .number(n.peakUtilization)),
                                ]
                            }
                            return .object(node)
                        }
                        pairs.append(("nodes", .array(each)))
                    }
                    // Only under time-varying load (so the report of a stationary scenario is unchanged).
                    if let peak = l.peakArrivalRate {
                        pairs += [
                            ("peak_arrival_rate", .number(peak)), ("peak_utilization", .number(l.peakUtilization)),
                            ("peak_overloaded", .bool(l.peakOverloaded)),
                        ]
                    }
                    return .object(pairs)
                })
        }
        func deploys(_ m: ModelSpec) -> JSONValue {
            .array(
                m.deployLoads(m.offeredLoad()).map { d in
                    .object([
                        ("component", .string(m.stations[d.station].name)),
                        ("at", .number((d.at - SimTime.zero).seconds)),
                        ("strategy", .string(d.strategy)),
                        ("out_per_step", .number(Double(d.out))),
                        ("step_utilization", .number(d.stepUtilization.flatMap { $0.isFinite ? $0 : nil })),
                        ("overloaded_during_step", .bool(d.overloadedDuringStep)),
                        ("extra_pods", .number(Double(d.extraPods))),
                        ("nodes_needed", .number(d.nodesNeeded.map(Double.init))),
                        ("extra_pods_never_fit", .bool(d.extraPodsNeverFit)),
                    ])
                })
        }
        /// nil without backups (so the report of a scenario without them is unchanged).
        func backups(_ m: ModelSpec) -> JSONValue? {
            let loads = m.backupLoads()
            guard !loads.isEmpty else { return nil }
            return .array(
                loads.map { b in
                    .object([
                        ("component", .string(m.stations[b.station].name)),
                        ("node", .string(b.node)),
                        ("backups", .number(Double(b.backups))),
                        ("busiest_at", .number((b.busiestAt - SimTime.zero).seconds)),
                        ("utilization", .number(b.utilization)),
                        ("backup_utilization", .number(b.backupUtilization.flatMap { $0.isFinite ? $0 : nil })),
                        ("overloaded_during_backup", .bool(b.overloadedDuringBackup)),
                        ("at_peak_rate", .bool(b.atPeakRate)),
                    ])
                })
        }
        var pairs: [(key: String, value: JSONValue)] = [
            ("file", .string(file)),
            ("ok", .bool(s != nil)),
            ("name", .string(s?.name)),
            ("hash", .string(s?.hash)),
            (
                "diagnostics",
                .array(
                    diagnostics.map { d in
                        .object([
                            ("file", .string(d.location.override == nil ? d.location.file : nil)),
                            ("line", .number(d.location.line.map(Double.init))),
                            ("column", .number(d.location.column.map(Double.init))),
                            ("override", .string(d.location.override)),
                            ("key_path", .string(d.keyPath)),
                            ("message", .string(d.message)),
                            ("suggestion", .string(d.suggestion)),
                        ])
                    })
            ),
            ("stations", s.map { stations($0.model) } ?? .array([])),
        ]
        // Only with deploys (so the report of a scenario without them is unchanged).
        if let s, !s.model.deploys.isEmpty { pairs.append(("deploys", deploys(s.model))) }
        if let s, let b = backups(s.model) { pairs.append(("backups", b)) }
        if let s, let c = closedWorkload(s.model) { pairs.append(("closed_workload", c)) }
        if let s, s.points.count > 1 {
            pairs.append(
                (
                    "points",
                    .array(
                        s.points.map { p in
                            var point: [(key: String, value: JSONValue)] = [
                                ("axes", .object(p.axes.map { ($0.path, .string($0.text)) })),
                                ("stations", stations(p.model)),
                            ]
                            if !p.model.deploys.isEmpty { point.append(("deploys", deploys(p.model))) }
                            if let b = backups(p.model) { point.append(("backups", b)) }
                            if let c = closedWorkload(p.model) { point.append(("closed_workload", c)) }
                            return .object(point)
                        })
                ))
        }
        return .object(pairs)
    }
}
