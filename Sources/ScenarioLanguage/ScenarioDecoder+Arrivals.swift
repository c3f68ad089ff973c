import InfraModel
import SimKernel

/// `arrivals:` of the workload or of a class.
extension ScenarioDecoder {
    static let arrivalKeys = ["process", "rate", "cv", "states", "file", "format", "bin", "users", "think"]
    static let arrivalProcesses = ["poisson", "constant", "gamma", "mmpp2", "trace", "closed"]
    static let plannedArrivalProcesses: [String] = []
    /// The keys each process takes, required ones first.
    static let arrivalKeysByProcess: [String: (required: [String], optional: [String])] = [
        "poisson": (["rate"], []), "constant": (["rate"], []), "gamma": (["rate", "cv"], []),
        "mmpp2": (["states"], []), "trace": (["file"], ["format", "bin"]), "closed": (["users", "think"], []),
    ]
    /// The most users a closed workload may have: each is a request in flight at worst, well
    /// below the in-flight bound that stops an overloaded run.
    static let maxUsers = 1_000_000
    static let mmppStateKeys = ["rate", "mean_time"]
    static let traceFormats = ["timestamps", "counts"]

    mutating func decodeArrivals(_ node: ScenarioNode, _ path: String) -> ArrivalProcess? {
        guard let f = reader.fields(node, path, allowed: Self.arrivalKeys, required: ["process"]) else { return nil }
        guard let p = f["process"], let process = reader.string(p, f.path("process")) else {
            _ = f["rate"].flatMap { reader.rate($0, f.path("rate")) }  // still report a bad rate
            return nil
        }
        if Self.plannedArrivalProcesses.contains(process) {
            reader.fail(
                p, f.path("process"),
                "arrival process '\(process)' is part of the scenario language but not built in this version of capsim yet"
            )
            return nil
        }
        guard let keys = Self.arrivalKeysByProcess[process] else {
            reader.fail(
                p, f.path("process"),
                "expected one of \(Self.arrivalProcesses.joined(separator: ", ")), found '\(process)'",
                suggestion: nearest(process, in: Self.arrivalProcesses + Self.plannedArrivalProcesses))
            _ = f["rate"].flatMap { reader.rate($0, f.path("rate")) }  // still report a bad rate
            return nil
        }
        // Keys of another process are errors here, never silently ignored.
        var ok = true
        for pair in f.pairs
        where pair.key != "process" && Self.arrivalKeys.contains(pair.key)
            && !(keys.required + keys.optional).contains(pair.key)
        {
            let owners = Self.arrivalProcesses.filter {
                Self.arrivalKeysByProcess[$0].map { ($0.required + $0.optional).contains(pair.key) } == true
            }
            reader.fail(
                pair.value, f.path(pair.key),
                "'\(pair.key)' applies only to process: \(owners.dropLast().joined(separator: ", ") + (owners.count > 1 ? " or " : "") + (owners.last ?? "")); this process is \(process)"
            )
            ok = false
        }
        for r in keys.required where f[r] == nil {
            reader.fail(node, path, "missing required key '\(r)' (process: \(process))")
            ok = false
        }
        switch process {
        case "poisson", "constant":
            guard let rate = f["rate"].flatMap({ reader.rate($0, f.path("rate")) }), ok else { return nil }
            return process == "poisson" ? .poisson(rate: rate) : .constant(rate: rate)
        case "gamma":
            let rate = f["rate"].flatMap { reader.rate($0, f.path("rate")) }
            let cv = f["cv"].flatMap { reader.number($0, f.path("cv"), exclusiveMinimum: 0) }
            if let c = cv, let n = f["cv"], !(c >= 0.01 && c <= 100) {
                reader.fail(n, f.path("cv"), "expected a coefficient of variation from 0.01 to 100, found \(format(c))")
                return nil
            }
            guard let rate, let cv, ok else { return nil }
            return .gamma(rate: rate, cv: cv)
        case "mmpp2":
            guard let s = f["states"], let m = decodeMMPP(s, f.path("states")), ok else { return nil }
            return .mmpp2(m)
        case "closed":
            let users = f["users"].flatMap { reader.integer($0, f.path("users"), min: 1, max: Self.maxUsers) }
            let think = f["think"].flatMap { decodeTime($0, f.path("think")) }
            if let t = think, let n = f["think"], !(t.mean > 0) {
                // With no think time, a user turned away at once (queue_full, a rate limit) would
                // come back at the same instant, again and again: simulated time would stand still.
                reader.fail(
                    n, f.path("think"),
                    "expected a think time with a mean above 0 (users who never think and are turned away at once would return at the same instant forever), found \(format(t.mean)) s"
                )
                return nil
            }
            guard let users, let think, ok else { return nil }
            return .closed(ClosedPopulation(users: users, think: think))
        default:  // trace
            guard ok else { return nil }
            return decodeTraceArrivals(f)
        }
    }

    /// `states: [{rate: 500/s, mean_time: 2m}, {rate: 5000/s, mean_time: 20s}]`: exactly two; a
    /// rate may be 0/s (an on/off source) but not both.
    mutating func decodeMMPP(_ node: ScenarioNode, _ path: String) -> MMPP2? {
        guard let items = reader.list(node, path) else { return nil }
        guard items.count == 2 else {
            reader.fail(
                node, path, "expected exactly two states [{rate, mean_time}, {rate, mean_time}], found \(items.count)")
            return nil
        }
        var rates: [Double] = []
        var times: [Double] = []
        for (i, item) in items.enumerated() {
            let p = path + ".\(i)"
            guard let sf = reader.fields(item, p, allowed: Self.mmppStateKeys, required: Self.mmppStateKeys) else {
                continue
            }
            if let r = sf["rate"] {
                if r.scalarText.map({ (try? Quantity.rate($0).get()) == 0 }) == true {
                    rates.append(0)
                } else if let v = reader.rate(r, sf.path("rate")) {
                    rates.append(v)
                }
            }
            if let t = sf["mean_time"].flatMap({ reader.duration($0, sf.path("mean_time"), positive: true) }) {
                times.append(t.seconds)
            }
        }
        guard rates.count == 2, times.count == 2 else { return nil }
        if rates[0] == 0 && rates[1] == 0 {
            reader.fail(node, path, "expected a rate > 0 in at least one state, found 0/s in both")
            return nil
        }
        return MMPP2(rates: (rates[0], rates[1]), meanTimes: (times[0], times[1]))
    }

    /// `{process: trace, file: traces/x.csv, format: timestamps | counts, bin: 1s}`.
    mutating func decodeTraceArrivals(_ f: Fields) -> ArrivalProcess? {
        guard let fileNode = f["file"], let name = reader.string(fileNode, f.path("file")) else { return nil }
        var counts = false
        if let n = f["format"], let v = reader.string(n, f.path("format")) {
            guard Self.traceFormats.contains(v) else {
                reader.fail(
                    n, f.path("format"), "expected one of \(Self.traceFormats.joined(separator: ", ")), found '\(v)'",
                    suggestion: nearest(v, in: Self.traceFormats))
                return nil
            }
            counts = v == "counts"
        } else if f["format"] != nil {
            return nil
        }
        var bin = SimDuration.seconds(1)
        if let n = f["bin"] {
            guard counts else {
                reader.fail(
                    n, f.path("bin"),
                    "'bin' applies only to format: counts; this trace's format is timestamps\(f["format"] == nil ? " (the default)" : "")"
                )
                return nil
            }
            guard let b = reader.duration(n, f.path("bin"), positive: true) else { return nil }
            bin = b
        }
        // Relative to the file that names it: a base read through `extends:` may sit elsewhere.
        let folder =
            fileNode.location.override != nil || fileNode.location.file == file
            ? baseDirectory : ExtendsResolver.directory(of: fileNode.location.file)
        let full = name.hasPrefix("/") ? name : ExtendsResolver.join(folder, name)
        let trace: ArrivalTrace
        switch TraceFile.read(path: full, format: counts ? .counts(bin: bin) : .timestamps) {
        case .success(let t): trace = t
        case .failure(.unreadable(let reason)):
            reader.failMissingInput(fileNode, f.path("file"), "cannot read the trace file '\(full)': \(reason)")
            return nil
        case .failure(.malformed(let line, let column, let message)):
            reader.diagnostics.append(
                Diagnostic(
                    location: SourceLocation(file: full, line: line, column: column),
                    keyPath: f.path("file"), message: message))
            return nil
        }
        return .trace(trace)
    }
}
