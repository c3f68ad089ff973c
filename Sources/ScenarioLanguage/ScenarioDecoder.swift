import InfraModel
import SimKernel
import SimRandom

/// Turns a scenario tree into a validated `Scenario`, collecting every problem.
///
/// Decoding is separate from the model: this file knows the YAML spelling of every field, the
/// model knows none of it.
struct ScenarioDecoder {
    var reader = NodeReader()
    let file: String
    /// Folder of the scenario file, for files it names (empirical samples).
    let baseDirectory: String

    static let topLevelKeys = ["version", "name", "description", "horizon", "warmup", "drain",
                               "replications", "seed", "workload", "components"]
    /// Parts of the language that later versions of capsim build. Named here so that a scenario
    /// using them gets "not built yet" rather than "unknown key" — and never a silent no-op.
    static let plannedTopLevelKeys = ["slos", "sweep", "events", "currency", "autoscale"]

    mutating func decode(_ root: ScenarioNode) -> Scenario? {
        guard let top = reader.fields(root, "", allowed: Self.topLevelKeys + Self.plannedTopLevelKeys,
                                      required: ["version", "horizon", "workload", "components"]) else { return nil }
        for key in Self.plannedTopLevelKeys { if let n = top[key] { notBuilt(n, key) } }

        if let v = top["version"], let n = reader.integer(v, "version", min: 0), n != Scenario.languageVersion {
            reader.fail(v, "version", "expected version \(Scenario.languageVersion) (the scenario language this capsim reads), found \(n)")
        }
        let name = top["name"].flatMap { reader.string($0, "name") } ?? baseName(file)
        if let d = top["description"] { _ = reader.string(d, "description") }
        let horizon = top["horizon"].flatMap { reader.duration($0, "horizon", positive: true) }
        let warmup = top["warmup"].map { reader.duration($0, "warmup") } ?? .zero
        let drain = top["drain"].map { reader.duration($0, "drain") } ?? .seconds(600)
        let replications = top["replications"].map { reader.integer($0, "replications", min: 1, max: 1_000_000) } ?? 10
        var seed: UInt64? = 1
        if let s = top["seed"] {
            if case .scalar(let text, _) = s, let v = UInt64(text.replacingUnderscores()) { seed = v } else {
                reader.fail(s, "seed", "expected a whole number from 0 to \(UInt64.max), found \(s.kindDescription)")
                seed = nil
            }
        }
        if let h = horizon, let w = warmup, w >= h {
            reader.fail(top["warmup"]!, "warmup", "expected a warm-up shorter than the horizon (\(h)), found \(w)")
        }

        var stations: [StationSpec] = []
        if let c = top["components"] { stations = decodeComponents(c) }
        var arrivals: ArrivalProcess?
        var classes: [RequestClass] = []
        if let w = top["workload"] { (arrivals, classes) = decodeWorkload(w, stations: stations) }

        guard reader.diagnostics.isEmpty, let horizon, let warmup, let drain, let replications, let seed,
              let arrivals else { return nil }
        let window = RunWindow(warmup: SimTime.zero + warmup, horizon: SimTime.zero + horizon, drain: drain)
        let model = ModelSpec(stations: stations, classes: classes, arrivals: arrivals, window: window)
        return Scenario(name: name, file: file, model: model, replications: replications, seed: seed,
                        tree: root, hash: root.fingerprint)
    }

    mutating func notBuilt(_ node: ScenarioNode, _ path: String) {
        reader.fail(node, path, "'\(path.split(separator: ".").last!)' is part of the scenario language but not built in this version of capsim yet")
    }

    func baseName(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        for ext in [".yaml", ".yml", ".json"] where last.hasSuffix(ext) { return String(last.dropLast(ext.count)) }
        return last
    }
}
