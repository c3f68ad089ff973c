import ScenarioLanguage
import SimStats

/// What `capsim report` draws: the designs of one or more JSON reports (`run --json`, `check
/// --json`), read back from their JSON. `run/check/compare --html` build it from the JSON value
/// of their own reports (`init(reports:)`), so a report written by `--html` and one made later
/// by `capsim report` from the same run's `--json` file are the same bytes.
public struct ReportDocument: Sendable {
    public var designs: [ReportDesign]

    public init(designs: [ReportDesign]) { self.designs = designs }

    /// The designs of reports a command has just produced.
    public init(reports: [RunReport]) {
        do {
            designs = try reports.map { (r) throws(ReportInputError) in try ReportDesign(JSONReport.value(r)) }
        } catch {
            // `JSONReport.value` writes every key the decoder requires, with the types it reads.
            preconditionFailure("capsim's own JSON report does not read back: \(error)")
        }
    }

    /// The designs of one JSON report file's bytes (an object, or an array of them for a sweep
    /// or several scenarios). The error says what is wrong, without the file's name.
    public static func designs(json bytes: [UInt8]) throws(ReportInputError) -> [ReportDesign] {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            throw ReportInputError("not JSON: \(error)")
        }
        switch value {
        case .object: return [try ReportDesign(value)]
        case .array(let items) where !items.isEmpty:
            var designs: [ReportDesign] = []
            for (i, item) in items.enumerated() {
                do { designs.append(try ReportDesign(item)) } catch {
                    throw ReportInputError("report \(i + 1) of \(items.count): \(error.message)")
                }
            }
            return designs
        default:
            throw ReportInputError("expected a capsim JSON report (an object, or an array of them)")
        }
    }
}

/// A JSON report that `capsim report` cannot use, and why.
public struct ReportInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One design of a JSON report: a scenario, or one point of its sweep.
public struct ReportDesign: Sendable {
    public struct Metric: Sendable, Equatable {
        /// NaN when the run had no value (null in the JSON).
        public var value: Double
        public var halfWidth95: Double?
        public var replications: Int
        public var unit: MetricUnit
    }

    public struct Component: Sendable, Equatable {
        public var name: String
        public var utilizationTheory: Double?
        public var waitMeanTheory: Double?
        /// The wait's p99 where its law is exact (`wait_p99_theory`); nil elsewhere, and in a
        /// report written before capsim printed it.
        public var waitP99Theory: Double?
    }

    public struct SLO: Sendable, Equatable {
        public var name: String
        public var metric: String
        /// True for `max:` (the metric must stay at or below the threshold).
        public var isMaximum: Bool
        public var threshold: Double
        public var verdict: String
        public var estimate: Double
        /// The interval the verdict was decided on, at `level` (NaN bounds: none).
        public var lower: Double
        public var upper: Double
        public var level: Double
        public var replications: Int
        public var reason: String
    }

    public struct SeriesColumn: Sendable, Equatable {
        public var id: String
        public var unit: MetricUnit
        /// Per window; NaN where a window has no value.
        public var values: [Double]
        public var halfWidths: [Double?]
    }

    public struct TimeSeries: Sendable, Equatable {
        public var window: Double
        public var replications: Int
        /// Window starts and ends, seconds of simulated time.
        public var starts: [Double]
        public var ends: [Double]
        public var columns: [SeriesColumn]
    }

    public var name: String
    public var file: String
    public var hash: String
    public var seed: String
    public var replications: Int
    public var axes: [(path: String, text: String)]
    public var currency: String?
    public var warmupSeconds: Double
    public var events: Double
    public var requests: Double
    /// Metric ids in the report's order, and each metric by id.
    public var metricIDs: [String]
    public var metrics: [String: Metric]
    public var components: [Component]
    /// The end-to-end latency's (q, seconds) points, and the successes behind them.
    public var latencyQuantiles: [(q: Double, seconds: Double)]
    public var latencySamples: Double
    public var slos: [SLO]
    public var warnings: [String]
    public var timeSeries: TimeSeries?
    /// Set when an interrupt cut the run short: replications finished of those planned.
    public var interrupted: (finished: Int, planned: Int)?
    public var unstableReplications: Int
    public var eventLimitedReplications: Int

    /// `name` or `name (axis=value, …)`, as the terminal reports name a design (`designLabel`).
    public var label: String {
        axes.isEmpty ? name : name + " (" + axes.map { "\($0.path)=\($0.text)" }.joined(separator: ", ") + ")"
    }

    /// Reads one report object; the error names the key that is missing or of the wrong type.
    init(_ json: JSONValue) throws(ReportInputError) {
        guard case .object = json else { throw ReportInputError("expected a capsim JSON report (an object)") }
        let version = try Self.number(json, "schema_version")
        guard version == Double(CapSimInfo.schemaVersion) else {
            throw ReportInputError(
                "schema_version \(TableReport.fixed(version, 0)) is not one this capsim reads (\(CapSimInfo.schemaVersion))"
            )
        }
        let scenario = try Self.member(json, "scenario")
        name = try Self.string(scenario, "scenario.name")
        file = try Self.string(scenario, "scenario.file")
        hash = try Self.string(scenario, "scenario.hash")
        seed = try Self.string(scenario, "scenario.seed")
        replications = Int(try Self.number(scenario, "scenario.replications"))
        guard case .object(let axisPairs)? = scenario["axes"] else {
            throw ReportInputError("expected an object at 'scenario.axes'")
        }
        axes = try axisPairs.map { (pair) throws(ReportInputError) in
            guard case .string(let text) = pair.value else {
                throw ReportInputError("expected a string at 'scenario.axes.\(pair.key)'")
            }
            return (pair.key, text)
        }
        if case .string(let c)? = scenario["currency"] { currency = c } else { currency = nil }
        warmupSeconds = try Self.number(try Self.member(json, "warmup"), "warmup.seconds")
        events = try Self.number(json, "events")
        requests = try Self.number(json, "requests")

        guard case .object(let metricPairs)? = json["metrics"] else {
            throw ReportInputError("expected an object at 'metrics'")
        }
        var ids: [String] = []
        var metrics: [String: Metric] = [:]
        for (id, m) in metricPairs {
            let path = "metrics.\(id)"
            guard case .string(let unitName)? = m["unit"] else {
                throw ReportInputError(
                    "expected a string at '\(path).unit' (a report written before capsim's HTML report: run it again)")
            }
            guard let unit = MetricUnit(jsonName: unitName, currency: currency ?? "") else {
                throw ReportInputError("unknown unit '\(unitName)' at '\(path).unit'")
            }
            let hw = m["hw95"].flatMap(Self.finite)
            if metrics[id] == nil { ids.append(id) }
            metrics[id] = Metric(
                value: try Self.numberOrNaN(m, path + ".value"), halfWidth95: hw,
                replications: Int(try Self.number(m, path + ".n")), unit: unit)
        }
        metricIDs = ids
        self.metrics = metrics

        guard case .array(let componentItems)? = json["components"] else {
            throw ReportInputError(
                "expected an array at 'components' (a report written before capsim's HTML report: run it again)")
        }
        components = try componentItems.map { (c) throws(ReportInputError) in
            Component(
                name: try Self.string(c, "components[].name"),
                utilizationTheory: c["utilization_theory"].flatMap(Self.finite),
                waitMeanTheory: c["wait_mean_theory"].flatMap(Self.finite),
                waitP99Theory: c["wait_p99_theory"].flatMap(Self.finite))
        }

        let quantiles = try Self.member(json, "latency_quantiles")
        latencySamples = try Self.number(quantiles, "latency_quantiles.samples")
        let qs = try Self.numbers(quantiles, "latency_quantiles.q")
        let seconds = try Self.numbers(quantiles, "latency_quantiles.seconds")
        guard qs.count == seconds.count else {
            throw ReportInputError("'latency_quantiles.q' and 'latency_quantiles.seconds' differ in length")
        }
        latencyQuantiles = zip(qs, seconds).map { ($0, $1) }

        guard case .array(let sloItems)? = json["slos"] else { throw ReportInputError("expected an array at 'slos'") }
        slos = try sloItems.map { (o) throws(ReportInputError) in
            let isMaximum = o["max"] != nil
            return SLO(
                name: try Self.string(o, "slos[].name"), metric: try Self.string(o, "slos[].metric"),
                isMaximum: isMaximum, threshold: try Self.number(o, isMaximum ? "slos[].max" : "slos[].min"),
                verdict: try Self.string(o, "slos[].verdict"), estimate: try Self.numberOrNaN(o, "slos[].estimate"),
                lower: try Self.numberOrNaN(o, "slos[].lower"), upper: try Self.numberOrNaN(o, "slos[].upper"),
                level: try Self.numberOrNaN(o, "slos[].level"),
                replications: Int(try Self.number(o, "slos[].replications")),
                reason: try Self.string(o, "slos[].reason"))
        }
        guard case .array(let warningItems)? = json["warnings"] else {
            throw ReportInputError("expected an array at 'warnings'")
        }
        warnings = warningItems.compactMap { if case .string(let s) = $0 { s } else { nil } }
        if case .array(let u)? = json["unstable_replications"] {
            unstableReplications = u.count
        } else {
            unstableReplications = 0
        }
        if case .array(let e)? = json["event_limited_replications"] {
            eventLimitedReplications = e.count
        } else {
            eventLimitedReplications = 0
        }
        if let cut = json["interrupted"] {
            interrupted = (
                Int(try Self.number(cut, "interrupted.replications_finished")),
                Int(try Self.number(cut, "interrupted.replications_planned"))
            )
        } else {
            interrupted = nil
        }
        timeSeries = try json["time_series"].map { (t) throws(ReportInputError) in try Self.timeSeries(t, currency) }
    }

    static func timeSeries(_ t: JSONValue, _ currency: String?) throws(ReportInputError) -> TimeSeries {
        let starts = try numbers(t, "time_series.start")
        let ends = try numbers(t, "time_series.end")
        guard case .array(let items)? = t["columns"], starts.count == ends.count else {
            throw ReportInputError("expected 'time_series.columns' and as many starts as ends")
        }
        let columns = try items.map { (c) throws(ReportInputError) in
            let id = try string(c, "time_series.columns[].id")
            let unitName = try string(c, "time_series.columns[].unit")
            guard let unit = MetricUnit(jsonName: unitName, currency: currency ?? "") else {
                throw ReportInputError("unknown unit '\(unitName)' at 'time_series.columns[].unit'")
            }
            let values = try numbers(c, "time_series.columns[].value")
            guard case .array(let hws)? = c["hw95"], values.count == starts.count, hws.count == starts.count else {
                throw ReportInputError("time series column '\(id)': expected a value and an hw95 per window")
            }
            return SeriesColumn(id: id, unit: unit, values: values, halfWidths: hws.map(finite))
        }
        return TimeSeries(
            window: try number(t, "time_series.window"), replications: Int(try number(t, "time_series.replications")),
            starts: starts, ends: ends, columns: columns)
    }

    // MARK: reading values, the error naming the key

    static func key(_ path: String) -> String { String(path.split(separator: ".").last ?? Substring(path)) }

    static func member(_ o: JSONValue, _ path: String) throws(ReportInputError) -> JSONValue {
        guard let v = o[key(path)], case .object = v else { throw ReportInputError("expected an object at '\(path)'") }
        return v
    }

    static func string(_ o: JSONValue, _ path: String) throws(ReportInputError) -> String {
        guard case .string(let s)? = o[key(path)] else { throw ReportInputError("expected a string at '\(path)'") }
        return s
    }

    /// A finite number; NaN and infinities never reach a report (the JSON writes them as null).
    static func number(_ o: JSONValue, _ path: String) throws(ReportInputError) -> Double {
        guard case .number(let x)? = o[key(path)], x.isFinite else {
            throw ReportInputError("expected a number at '\(path)'")
        }
        return x
    }

    /// A number, or NaN for null (a value the run did not have).
    static func numberOrNaN(_ o: JSONValue, _ path: String) throws(ReportInputError) -> Double {
        switch o[key(path)] {
        case .number(let x)?: return x.isFinite ? x : .nan
        case .null?: return .nan
        default: throw ReportInputError("expected a number or null at '\(path)'")
        }
    }

    static func numbers(_ o: JSONValue, _ path: String) throws(ReportInputError) -> [Double] {
        guard case .array(let items)? = o[key(path)] else { throw ReportInputError("expected an array at '\(path)'") }
        return try items.map { (v) throws(ReportInputError) in
            switch v {
            case .number(let x): return x.isFinite ? x : .nan
            case .null: return .nan
            default: throw ReportInputError("expected numbers in '\(path)'")
            }
        }
    }

    /// A finite number, else nil (null, a non-number, NaN).
    static func finite(_ v: JSONValue) -> Double? {
        if case .number(let x) = v, x.isFinite { return x }
        return nil
    }
}
