import InfraModel
import SimKernel
import SimRandom
import SimStats

/// Turns a scenario tree into a validated `Scenario`, collecting every problem.
///
/// Decoding is separate from the model: this file knows the YAML spelling of every field, the
/// model knows none of it.
struct ScenarioDecoder {
    var reader = NodeReader()
    let file: String
    /// Folder of the scenario file, for files it names (empirical samples).
    let baseDirectory: String
    /// Components' `cost:` and classes' response sizes (aligned with the classes) of the design
    /// being decoded, turned into a `CostModel` once everything is known.
    var componentCosts: [ComponentCost] = []
    var responseBytes: [Double] = []
    /// Components declared under `components:` whose own decoding failed (and was reported):
    /// a path, target or event naming one is not reported again as an unknown name.
    var failedComponents: Set<String> = []
    /// Each declared component's `kind:` (`server_pool` when it gives none), for rules that
    /// depend on what a path element calls (a visit's own `service`).
    var componentKinds: [String: String] = [:]
    /// Classes named by inspection stages' `detect:` and pools' priority lists, checked once
    /// the workload is read.
    var pendingClassReferences: [PendingClassReference] = []
    /// The zones those components name, for the same reason.
    var zonesOfFailedComponents: Set<String> = []
    /// Clusters and pools' pod requests, resolved once components and zones are known.
    var pendingClusters: [PendingCluster] = []
    var pendingPods: [PendingPod] = []
    /// The scenario's horizon while its components are decoded (nil: missing or invalid), for
    /// times that must fall before it (a backup schedule's first start).
    var scenarioHorizon: SimDuration?

    static let topLevelKeys = [
        "version", "name", "description", "horizon", "warmup", "drain",
        "replications", "seed", "workload", "components", "slos", "sweep", "latency_objective", "availability", "zones",
        "regions", "dns", "events", "extends", "currency",
    ]
    /// Parts of the language that later versions of capsim build. Named here so that a scenario
    /// using them gets "not built yet" rather than "unknown key" — and never a silent no-op.
    static let plannedTopLevelKeys = ["autoscale"]

    /// Decodes a scenario and, when it has a `sweep:`, every point of the sweep.
    mutating func decode(_ root: ScenarioNode) -> Scenario? {
        guard case .mapping(let pairs, _) = root, let sweep = pairs.first(where: { $0.key == "sweep" })?.value else {
            guard var scenario = decodeSingle(root) else { return nil }
            scenario.points = [scenario]
            return scenario
        }
        let base = root.removing(key: "sweep")
        guard var scenario = decodeSingle(base), let axes = decodeSweep(sweep),
            reader.diagnostics.isEmpty, let points = decodePoints(base: base, axes: axes)
        else { return nil }
        scenario.points = points
        scenario.tree = root
        scenario.hash = root.fingerprint(inputsOf: points.map(\.model))
        return scenario
    }

    /// Decodes one design (a scenario without a sweep, or one point of a sweep).
    mutating func decodeSingle(_ root: ScenarioNode) -> Scenario? {
        guard
            let top = reader.fields(
                root, "", allowed: Self.topLevelKeys + Self.plannedTopLevelKeys + Self.misplacedTopLevelRegionKeys,
                required: ["version", "horizon", "workload", "components"])
        else { return nil }
        for key in Self.plannedTopLevelKeys { if let n = top[key] { notBuilt(n, key) } }
        if let n = top["standby"] {
            reader.fail(
                n, "standby",
                "a standby is a pool's: give standby: {scale_to: …} on the autoscaled pool in the standby region (components.<pool>.standby)"
            )
        }

        if let v = top["version"], let n = reader.integer(v, "version", min: 0), n != Scenario.languageVersion {
            reader.fail(
                v, "version",
                "expected version \(Scenario.languageVersion) (the scenario language this capsim reads), found \(n)")
        }
        let name = top["name"].flatMap { reader.string($0, "name") } ?? baseName(file)
        if let d = top["description"] { _ = reader.string(d, "description") }
        let horizon = top["horizon"].flatMap { reader.duration($0, "horizon", positive: true) }
        // `warmup: auto` chooses the warm-up by MSER-5 on pilot replications when the scenario runs.
        let autoWarmup = top["warmup"]?.scalarText == "auto"
        let warmup = autoWarmup ? .zero : top["warmup"].map { reader.duration($0, "warmup") } ?? .zero
        let drain = top["drain"].map { reader.duration($0, "drain") } ?? .seconds(600)
        let plan = top["replications"].map { decodeReplications($0) } ?? ReplicationPlan(fixed: 10)
        var seed: UInt64? = 1
        if let s = top["seed"] {
            if case .scalar(let text, _) = s, let v = UInt64(text.replacingUnderscores()) {
                seed = v
            } else {
                reader.fail(s, "seed", "expected a whole number from 0 to \(UInt64.max), found \(s.kindDescription)")
                seed = nil
            }
        }
        if let h = horizon, let w = warmup, w >= h, let warmupNode = top["warmup"] {
            reader.fail(warmupNode, "warmup", "expected a warm-up shorter than the horizon (\(h)), found \(w)")
        }
        // The run ends at horizon + drain, which must itself be a nanosecond count.
        if let h = horizon, let d = drain, h.nanoseconds > Int64.max - d.nanoseconds,
            let node = top["drain"] ?? top["horizon"]
        {
            reader.fail(
                node, top["drain"] == nil ? "horizon" : "drain",
                "expected horizon + drain within nanosecond time (about 292 years), found \(h) + \(d)")
        }

        let currency = top["currency"].map { decodeCurrency($0) } ?? "USD"
        componentCosts = []
        pendingClassReferences = []
        responseBytes = []
        pendingClusters = []
        pendingPods = []
        scenarioHorizon = horizon
        var stations: [StationSpec] = []
        var balancers: [BalancerTarget] = []
        if let c = top["components"] { (stations, balancers) = decodeComponentsAndBalancers(c) }
        var zones = decodeZones(top["zones"], components: top["components"], stations: &stations)
        let (clusters, nodePrices) = resolveClusters(
            zones: &zones, declaredZones: top["zones"] != nil, stations: &stations, horizon: horizon)
        let regions = decodeRegions(top["regions"], components: top["components"], zones: zones, stations: &stations)
        resolveRemoteReplicas(components: top["components"], stations: &stations, regions: regions)
        let dns = top["dns"].flatMap { decodeDNS($0, regions: regions, stations: stations) }
        checkStandbys(
            components: top["components"], stations: stations, regions: regions, dns: dns, dnsGiven: top["dns"] != nil)
        var deploys: [DeploySpec] = []
        let events =
            top["events"].map {
                decodeEvents(
                    $0, stations: stations, zones: zones, regions: regions, horizon: horizon, deploys: &deploys)
            } ?? []
        if autoWarmup, let warmupNode = top["warmup"], top["events"] != nil, !events.isEmpty || !deploys.isEmpty {
            reader.fail(
                warmupNode, "warmup",
                "warmup: auto looks for the end of a start-up transient and cannot be used with scheduled events; give the warm-up as a duration"
            )
        } else if autoWarmup, let warmupNode = top["warmup"], stations.contains(where: { $0.database?.backups != nil })
        {
            reader.fail(
                warmupNode, "warmup",
                "warmup: auto looks for the end of a start-up transient and cannot be used with scheduled backups; give the warm-up as a duration"
            )
        }
        var arrivals: ArrivalProcess?
        var classes: [RequestClass] = []
        let problemsBefore = reader.diagnostics.count
        if let w = top["workload"] { (arrivals, classes) = decodeWorkload(w, stations: stations) }
        // (A workload with problems of its own, or classes on a broken component's path, may
        // lack classes the stages name: those problems are reported instead.)
        if reader.diagnostics.count == problemsBefore && failedComponents.isEmpty {
            checkClassReferences(classes: classes, stations: stations)
        }
        if let dns, let node = top["dns"], reader.diagnostics.count == problemsBefore {
            checkDNSRoutes(dns, classes: classes, stations: stations, node: node)
        }
        let profile = decodeProfile(
            top["workload"], arrivals: arrivals, classes: classes, autoWarmup: autoWarmup ? top["warmup"] : nil,
            horizon: horizon)
        if !balancers.isEmpty, let w = top["workload"] {
            let explicit =
                w.scalarText == nil
                && { if case .mapping(let p, _) = w { p.contains { $0.key == "classes" } } else { false } }()
            guard let components = top["components"] else {
                preconditionFailure("balancers are decoded from 'components', so it is present")
            }
            checkBalancerPaths(
                classes, stations: stations, balancers: balancers, at: explicit ? w : components,
                classesPath: explicit ? "workload.classes" : nil)
        }

        var cost = costModel(
            currency: currency ?? "USD", stations: stations, classes: classes,
            responseBytes: responseBytes.count == classes.count
                ? responseBytes : Array(repeating: 0, count: classes.count))
        if nodePrices.contains(where: { $0 != nil }) {
            // Nodes priced: a cost model even when no component has a price of its own.
            var c =
                cost
                ?? CostModel(
                    currency: currency ?? "USD", stations: Array(repeating: nil, count: stations.count),
                    responseBytes: responseBytes.count == classes.count
                        ? responseBytes : Array(repeating: 0, count: classes.count))
            c.clusters = nodePrices
            cost = c
        }

        // (Arrivals may be nil: then every class has its own, which decodeWorkload checked.)
        guard reader.diagnostics.isEmpty, let horizon, let warmup, let drain, let plan, let seed else { return nil }
        let window = RunWindow(warmup: SimTime.zero + warmup, horizon: SimTime.zero + horizon, drain: drain)
        var model = ModelSpec(stations: stations, classes: classes, arrivals: arrivals, window: window)
        model.profile = profile
        model.zones = zones
        model.regions = regions
        model.dns = dns
        model.events = events
        model.deploys = deploys
        model.clusters = clusters
        model.cost = cost
        if let o = top["latency_objective"] {
            guard let objective = reader.duration(o, "latency_objective", positive: true) else { return nil }
            model.latencyObjective = objective
        }
        if let a = top["availability"] {
            guard let availability = decodeAvailability(a, measured: horizon - warmup) else { return nil }
            model.availability = availability
        }
        let slos = top["slos"].map { decodeSLOs($0, layout: MetricLayout(spec: model)) } ?? []
        if plan.untilDecided && slos.isEmpty, let replicationsNode = top["replications"] {
            reader.fail(replicationsNode, "replications", "'until: slo-decided' needs at least one SLO under 'slos:'")
        }
        guard reader.diagnostics.isEmpty else { return nil }
        return Scenario(
            name: name, file: file, model: model, plan: plan, seed: seed, slos: slos, autoWarmup: autoWarmup,
            axes: [], points: [], tree: root, hash: root.fingerprint(inputsOf: [model]))
    }

    mutating func notBuilt(_ node: ScenarioNode, _ path: String) {
        guard let key = path.split(separator: ".").last else {
            preconditionFailure("notBuilt is given the key path of a key")
        }
        reader.fail(node, path, "'\(key)' is part of the scenario language but not built in this version of capsim yet")
    }

    func baseName(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        for ext in [".yaml", ".yml", ".json"] where last.hasSuffix(ext) { return String(last.dropLast(ext.count)) }
        return last
    }
}
