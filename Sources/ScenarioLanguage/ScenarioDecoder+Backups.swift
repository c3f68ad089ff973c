import InfraModel
import SimKernel
import SimRandom

/// A database's `backups:` and `restore:` (see `DatabaseBackups`, `DatabaseRestore`).
///
/// ```yaml
/// db:
///   kind: database
///   …
///   backups: {every: 24h, at: 2h, duration: 45m, from: replica, load: {service_factor: 1.5x, workers: 25%}}
///   restore: {time: 2h, log_shipping: 5m, all_down: restore}   # or {size: 500GB, rate: 200MB/s, …}
/// ```
extension ScenarioDecoder {
    static let databaseBackupKeys = ["every", "at", "duration", "from", "load"]
    static let databaseBackupLoadKeys = ["service_factor", "workers"]
    static let databaseRestoreKeys = ["time", "size", "rate", "log_shipping", "all_down"]

    /// `backups: {every, at, duration, from, load}`. `workers` are the primary's (nil:
    /// unlimited) and `replicaWorkers` the replicas'; a share of a node's workers is a share of
    /// those of the role it reads from.
    mutating func decodeDatabaseBackups(
        _ node: ScenarioNode, _ path: String, replicas: Int, workers: Int?, replicaWorkers: Int?
    ) -> DatabaseBackups? {
        guard let f = reader.fields(node, path, allowed: Self.databaseBackupKeys, required: ["duration"]) else {
            return nil
        }
        var ok = true
        let every = f["every"].map { reader.duration($0, f.path("every"), positive: true) } ?? .seconds(86_400)
        let at = f["at"].map { reader.duration($0, f.path("at")) } ?? .zero
        if let at, let horizon = scenarioHorizon, at >= horizon, let n = f["at"] {
            reader.fail(n, f.path("at"), "expected a time before the horizon (\(horizon)), found \(at)")
            ok = false
        }
        let duration = f["duration"].flatMap { decodeTime($0, f.path("duration")) }
        if let every, case .deterministic(let seconds)? = duration, seconds >= every.seconds, let n = f["duration"] {
            reader.fail(
                n, f.path("duration"),
                "expected a backup shorter than the time between backups (every: \(every)), found \(SimDuration(seconds: seconds)): each would still run when the next is due"
            )
            ok = false
        }
        var source: DatabaseBackups.Source? = replicas > 0 ? .replica : .primary
        if let n = f["from"] {
            source = reader.choice(n, f.path("from"), DatabaseBackups.Source.self)
            if source == .replica && replicas == 0 {
                reader.fail(
                    n, f.path("from"),
                    "a backup from a replica needs replicas: this database has none (back up from: primary)")
                ok = false
            }
        }
        var factor: Double? = DatabaseBackups.defaultServiceFactor
        var held: Int? = 0
        if let l = f["load"], let source {
            guard let lf = reader.fields(l, f.path("load"), allowed: Self.databaseBackupLoadKeys) else { return nil }
            factor = 1
            if let n = lf["service_factor"] {
                factor = multiplier(n, lf.path("service_factor"))
                if let v = factor, v < 1 {
                    reader.fail(
                        n, lf.path("service_factor"),
                        "expected a factor ≥ 1 (a backup slows its node), found \(format(v))")
                    factor = nil
                }
            }
            if let n = lf["workers"] {
                held = backupWorkers(n, lf.path("workers"), of: source == .primary ? workers : replicaWorkers)
            }
        }
        guard ok, let every, let at, let duration, let source, let factor, let held else { return nil }
        return DatabaseBackups(
            every: every, at: at, duration: duration, source: source, serviceFactor: factor, workers: held)
    }

    /// A backup's workers: a count (at most the node's workers) or a share of them (`25%`,
    /// rounded up); the node's workers must be finite.
    private mutating func backupWorkers(_ node: ScenarioNode, _ path: String, of workers: Int?) -> Int? {
        guard let w = workers else {
            reader.fail(
                node, path,
                "a backup holds some of its node's workers, and this node's workers are unlimited: give them a number, or slow the node with service_factor instead"
            )
            return nil
        }
        if let text = node.scalarText, text.hasSuffix("%") {
            guard let share = threshold(node, path, unit: .fraction) else { return nil }
            // In hundredths of a percent, so 25% of 8 is exactly 2 before it is rounded up.
            let hundredths = Int((share * 10_000).rounded())
            return (hundredths * w + 9_999) / 10_000
        }
        return reader.integer(node, path, min: 0, max: w)
    }

    /// `restore: {time, log_shipping, all_down}`, or `size` and `rate` instead of `time`.
    mutating func decodeDatabaseRestore(_ node: ScenarioNode, _ path: String) -> DatabaseRestore? {
        guard let f = reader.fields(node, path, allowed: Self.databaseRestoreKeys) else { return nil }
        var time: Distribution?
        switch (f["time"], f["size"], f["rate"]) {
        case (let t?, nil, nil):
            time = decodeTime(t, f.path("time"))
        case (nil, let s?, let r?):
            let bytes = size(s, f.path("size"))
            let rate = byteRate(r, f.path("rate"))
            if let bytes, let rate { time = .deterministic(value: bytes / rate) }
        case (_?, let s, let r):
            let key = s != nil ? "size" : "rate"
            reader.fail(
                s ?? r ?? node, f.path(key), "give the restore's time, or its size and rate, not both")
        case (nil, let s?, nil):
            reader.fail(s, f.path("size"), "a restore's size needs its rate (e.g. rate: 200MB/s): it takes size / rate")
        case (nil, nil, let r?):
            reader.fail(r, f.path("rate"), "a restore's rate needs its size (e.g. size: 500GB): it takes size / rate")
        case (nil, nil, nil):
            reader.fail(
                node, path,
                "missing the restore's time: give 'time' (a duration or a distribution), or 'size' and 'rate' (e.g. size: 500GB, rate: 200MB/s)"
            )
        }
        let shipping = f["log_shipping"].map { reader.duration($0, f.path("log_shipping"), positive: true) }
        let allDown = f["all_down"].map { reader.choice($0, f.path("all_down"), DatabaseRestore.AllDown.self) }
        guard let time, shipping != .some(nil), allDown != .some(nil) else { return nil }
        return DatabaseRestore(time: time, logShipping: shipping ?? nil, allDown: (allDown ?? nil) ?? .restore)
    }

    /// A size such as `500GB`, in bytes (> 0).
    private mutating func size(_ node: ScenarioNode, _ path: String) -> Double? {
        guard case .scalar(let text, _) = node else {
            reader.fail(node, path, "expected a size with a unit (e.g. 500GB), found \(node.kindDescription)")
            return nil
        }
        switch Quantity.size(text) {
        case .success(let v) where v > 0: return v
        case .success: reader.fail(node, path, "expected a size > 0, found '\(text)'")
        case .failure(let e): reader.fail(node, path, e.message)
        }
        return nil
    }

    /// A data rate such as `200MB/s`, in bytes per second (> 0).
    private mutating func byteRate(_ node: ScenarioNode, _ path: String) -> Double? {
        let expected = "expected a data rate such as 200MB/s or 1.5GB/min"
        guard case .scalar(let text, _) = node else {
            reader.fail(node, path, "\(expected), found \(node.kindDescription)")
            return nil
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, case .success(let bytes) = Quantity.size(String(parts[0])),
            let unit = Quantity.durationUnits.first(where: { $0.0 == parts[1].trimmingWhitespace() })?.1
        else {
            reader.fail(node, path, "\(expected), found '\(text)'")
            return nil
        }
        guard bytes > 0 else {
            reader.fail(node, path, "expected a data rate > 0, found '\(text)'")
            return nil
        }
        return bytes / (unit * 1e-9)
    }
}
