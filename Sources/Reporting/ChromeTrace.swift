import InfraModel
import ScenarioLanguage
import SimKernel
import SimStats

/// Request traces as Chrome trace-event JSON (the "JSON Array Format" with metadata, which
/// Perfetto's UI and `chrome://tracing` open directly; no collector or agent needed, which is
/// why capsim writes it rather than OpenTelemetry's JSON, whose viewers need a backend).
///
/// Each design is a process (`pid` 1, 2, … in the order added). A traced request is a complete
/// event (`ph: X`, category `request`) named after its class; inside it, each visit to a
/// component is an event named after the component (category `visit`) holding a `wait` and a
/// `service` event and the visits it called. An error adds an instant event named after its
/// cause at the request's end. Every event's `args.request` is the request's serial.
///
/// Events on one thread (`tid`) of a viewer must nest, and parallel branches of a fan-out
/// overlap, so a request takes as many lanes as its deepest overlap needs, and requests share
/// lanes only when they do not overlap in time. Times are microseconds with three decimals:
/// exact nanoseconds.
public struct ChromeTrace {
    private var events: [String] = []
    /// Designs added so far.
    public private(set) var designs = 0

    public init() {}

    /// Adds the trace of one design (run as `report`: its scenario, with the warm-up it used).
    public mutating func add(_ trace: RequestTrace, of report: RunReport) {
        designs += 1
        let pid = designs
        let spec = report.scenario.model
        let label = report.designLabel
        var notes = [
            "replication \(trace.replication + 1)",
            "\(TableReport.fixed(100 * trace.sample, 4).trimmedZeros) % of successful requests and every failed one",
            "at most \(trace.limit) of each",
        ]
        if trace.leftOutSampled > 0 { notes.append("\(trace.leftOutSampled) sampled requests left out at the limit") }
        if trace.leftOutFailed > 0 { notes.append("\(trace.leftOutFailed) failed requests left out at the limit") }
        if trace.visitsAfterEnd > 0 {
            notes.append("\(trace.visitsAfterEnd) visits after their request ended not shown")
        }
        events.append(
            #"{"name":"process_name","ph":"M","pid":\#(pid),"args":{"name":\#(JSONValue.quote(label))}}"#)
        events.append(
            #"{"name":"process_labels","ph":"M","pid":\#(pid),"args":{"labels":\#(JSONValue.quote(notes.joined(separator: "; ")))}}"#
        )
        events.append(#"{"name":"process_sort_index","ph":"M","pid":\#(pid),"args":{"sort_index":\#(pid)}}"#)

        // Lanes are handed out in order of arrival: a request takes the lowest lanes free at its arrival.
        let order = trace.requests.indices.sorted {
            let (a, b) = (trace.requests[$0], trace.requests[$1])
            return (a.arrival, a.serial) < (b.arrival, b.serial)
        }
        var busyUntil: [SimTime] = []
        var body: [String] = []
        for k in order {
            let r = trace.requests[k]
            let spans = Self.spans(of: r, spec: spec)
            let (local, inOrder) = Self.lanes(spans)
            let needed = (local.max() ?? 0) + 1
            var global: [Int] = []
            for g in busyUntil.indices where global.count < needed && busyUntil[g] <= r.arrival { global.append(g) }
            while global.count < needed {
                global.append(busyUntil.count)
                busyUntil.append(.zero)
            }
            for g in global { busyUntil[g] = r.end }
            for i in inOrder { body.append(spans[i].event(pid: pid, tid: global[local[i]] + 1, request: r.serial)) }
        }
        for g in busyUntil.indices {
            events.append(
                #"{"name":"thread_name","ph":"M","pid":\#(pid),"tid":\#(g + 1),"args":{"name":"requests \#(g + 1)"}}"#)
        }
        events += body
    }

    /// The whole file.
    public var text: String {
        var out = "{\"traceEvents\":[\n"
        for (i, e) in events.enumerated() { out += e + (i + 1 < events.count ? ",\n" : "\n") }
        out += "],\n\"displayTimeUnit\":\"ms\",\n"
        out += "\"otherData\":{\"generator\":\(JSONValue.quote("capsim " + CapSimInfo.version))}}\n"
        return out
    }

    /// One event of a request before it is given a thread.
    struct Span {
        var start: SimTime
        var end: SimTime
        var name: String
        var category: String
        /// `"key":value` pairs, already JSON.
        var args: [String]
        var instant = false

        func event(pid: Int, tid: Int, request: UInt64) -> String {
            let args = (["\"request\":\(request)"] + self.args).joined(separator: ",")
            let head = #"{"name":\#(JSONValue.quote(name)),"cat":"\#(category)","#
            if instant {
                return head + #""ph":"i","s":"t","ts":\#(micros(start)),"pid":\#(pid),"tid":\#(tid),"args":{\#(args)}}"#
            }
            return head
                + #""ph":"X","ts":\#(micros(start)),"dur":\#(micros(SimTime(nanoseconds: end.nanoseconds - start.nanoseconds))),"pid":\#(pid),"tid":\#(tid),"args":{\#(args)}}"#
        }
    }

    /// The request's events, the request itself first.
    static func spans(of r: TracedRequest, spec: ModelSpec) -> [Span] {
        func name(_ s: Int32) -> String { s >= 0 && Int(s) < spec.stations.count ? spec.stations[Int(s)].name : "?" }
        let className = Int(r.classIndex) < spec.classes.count ? spec.classes[Int(r.classIndex)].name : "?"
        var requestArgs = [
            "\"class\":\(JSONValue.quote(className))",
            "\"latency_ms\":\(millis(r.end.nanoseconds - r.arrival.nanoseconds))",
        ]
        var errorSpan: Span?
        switch r.outcome {
        case .success: requestArgs.append("\"outcome\":\"success\"")
        case .error(let cause):
            var blame: [String] = []
            if r.blame >= 0 { blame.append("\"component\":\(JSONValue.quote(name(r.blame)))") }
            if r.blameZone >= 0, Int(r.blameZone) < spec.zones.count {
                blame.append("\"zone\":\(JSONValue.quote(spec.zones[Int(r.blameZone)].name))")
            }
            requestArgs.append("\"outcome\":\"\(cause.id)\"")
            requestArgs += blame
            errorSpan = Span(
                start: r.end, end: r.end, name: cause.id, category: "error",
                args: ["\"cause\":\"\(cause.id)\""] + blame,
                instant: true)
        }
        requestArgs.append("\"attempts\":\(r.attempts)")
        var spans = [Span(start: r.arrival, end: r.end, name: className, category: "request", args: requestArgs)]
        for v in r.visits {
            let served = v.arrived.nanoseconds + v.wait.nanoseconds
            var args = [
                "\"instance\":\(v.instance)", "\"attempt\":\(v.attempt + 1)",
                "\"wait_ms\":\(millis(v.wait.nanoseconds))", "\"service_ms\":\(millis(v.service.nanoseconds))",
            ]
            if !v.served { args.append("\"served\":false") }
            spans.append(
                Span(
                    start: v.arrived, end: SimTime(nanoseconds: v.arrived.nanoseconds + v.inclusive.nanoseconds),
                    name: name(v.station), category: "visit", args: args))
            if v.wait.nanoseconds > 0 {
                spans.append(
                    Span(
                        start: v.arrived, end: SimTime(nanoseconds: served), name: "wait", category: "wait",
                        args: []))
            }
            if v.served {
                spans.append(
                    Span(
                        start: SimTime(nanoseconds: served), end: SimTime(nanoseconds: served + v.service.nanoseconds),
                        name: "service", category: "service", args: []))
            }
        }
        if let errorSpan { spans.append(errorSpan) }
        return spans
    }

    /// A lane (0, 1, …) for each span such that the spans of a lane nest: each lies inside the
    /// last one still open on its lane, or follows it. Spans are taken by start, longest first,
    /// so a container comes before what it contains; the first span (the request) and instants
    /// get lane 0. Also returns that order (the order the file lists them in).
    static func lanes(_ spans: [Span]) -> (lanes: [Int], order: [Int]) {
        let order = spans.indices.sorted {
            let (a, b) = (spans[$0], spans[$1])
            if a.start != b.start { return a.start < b.start }
            if a.end != b.end { return a.end > b.end }
            return $0 < $1
        }
        var open: [[SimTime]] = []  // per lane, the ends of its open spans, innermost last
        var lane = Array(repeating: 0, count: spans.count)
        for i in order {
            let s = spans[i]
            // An instant (an error at the request's end) needs no nesting: the request's lane.
            if s.instant { continue }
            var chosen: Int?
            for l in open.indices {
                while let top = open[l].last, top <= s.start { open[l].removeLast() }
                if open[l].last.map({ s.end <= $0 }) ?? true {
                    chosen = l
                    break
                }
            }
            let l = chosen ?? open.count
            if l == open.count { open.append([]) }
            open[l].append(s.end)
            lane[i] = l
        }
        return (lane, order)
    }
}

/// Nanoseconds as microseconds with three decimals (exact): the trace format's unit.
func micros(_ t: SimTime) -> String {
    let ns = t.nanoseconds
    let whole = ns / 1000
    let frac = ns % 1000
    return "\(whole)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + String(frac)
}

/// Nanoseconds as milliseconds, shortest round-trip text.
func millis(_ ns: Int64) -> String { JSONValue.format(Double(ns) / 1e6) }

extension String {
    /// "1.5000" → "1.5", "2.0000" → "2".
    fileprivate var trimmedZeros: String {
        guard contains(".") else { return self }
        var s = self
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
