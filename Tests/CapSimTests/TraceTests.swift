import CapSimTestSupport
import Foundation
import Testing

/// `run --trace`: the spans a viewer loads are consistent with the model and the statistics —
/// every event lies inside its request, events on one thread nest, a chain's visits add up to
/// the request's latency to the nanosecond, every failed request is there, and the sample is the
/// share asked for.
@Suite("Request traces")
struct TraceTests {
    /// One event of the file; times in nanoseconds (the file's microseconds have three decimals).
    struct Event {
        var name: String
        var category: String
        var phase: String
        var start: Int64
        var duration: Int64
        var pid: Int
        var tid: Int
        var request: Int
        var args: [String: Any]
        var end: Int64 { start + duration }
    }

    /// The file's events (metadata left out) and its metadata events.
    func load(_ path: String) throws -> (events: [Event], metadata: [[String: Any]]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(root["traceEvents"] as? [[String: Any]])
        var events: [Event] = []
        var metadata: [[String: Any]] = []
        for e in list {
            let phase = try #require(e["ph"] as? String)
            if phase == "M" {
                metadata.append(e)
                continue
            }
            let args = try #require(e["args"] as? [String: Any])
            func ns(_ key: String) -> Int64 { Int64((((e[key] as? Double) ?? 0) * 1000).rounded()) }
            events.append(
                Event(
                    name: try #require(e["name"] as? String), category: try #require(e["cat"] as? String),
                    phase: phase, start: ns("ts"), duration: ns("dur"), pid: try #require(e["pid"] as? Int),
                    tid: try #require(e["tid"] as? Int), request: try #require(args["request"] as? Int), args: args))
        }
        return (events, metadata)
    }

    func trace(_ scenario: String, _ extra: [String]) throws -> (events: [Event], metadata: [[String: Any]]) {
        let path = temporaryDirectory().appendingPathComponent("trace.json").path
        let r = capsim(["run", scenarioPath(scenario), "-q", "--replications", "2", "--trace", path] + extra)
        #expect(r.status == 0, "\(r.err)")
        return try load(path)
    }

    /// Every event lies inside its request's span, and the events of one thread nest (what a
    /// viewer needs to draw them as a stack): each starts after the previous one ended, or ends
    /// inside the innermost one still open.
    func expectWellFormed(_ events: [Event]) {
        let requests = Dictionary(
            events.filter { $0.category == "request" }.map { ($0.request, $0) }, uniquingKeysWith: { a, _ in a })
        for e in events {
            guard let r = requests[e.request] else {
                Issue.record("event \(e.name) of request \(e.request), which has no span")
                continue
            }
            #expect(
                e.start >= r.start && e.end <= r.end,
                "\(e.name) [\(e.start), \(e.end)] outside request \(e.request) [\(r.start), \(r.end)]")
        }
        for (_, lane) in Dictionary(grouping: events.filter { $0.phase == "X" }, by: { [$0.pid, $0.tid] }) {
            var open: [Event] = []
            for e in lane.sorted(by: { ($0.start, -$0.duration) < ($1.start, -$1.duration) }) {
                while let top = open.last, top.end <= e.start { open.removeLast() }
                if let top = open.last {
                    #expect(
                        e.end <= top.end && e.request == top.request,
                        "on thread \(e.tid), \(e.name) of request \(e.request) overlaps \(top.name) of \(top.request)")
                }
                open.append(e)
            }
        }
    }

    @Test("a chain's visits add up to its latency: each visit is its wait, its service and the visit it called")
    func chainAddsUp() throws {
        let (events, _) = try trace("three-tier.yaml", ["--set", "horizon=1m", "--trace-sample", "0.05"])
        expectWellFormed(events)
        let byRequest = Dictionary(grouping: events, by: \.request)
        #expect(byRequest.count > 100)
        var checked = 0
        for (_, spans) in byRequest {
            let request = try #require(spans.first { $0.category == "request" })
            guard request.args["outcome"] as? String == "success" else { continue }
            let visits = spans.filter { $0.category == "visit" }.sorted { $0.start < $1.start }
            #expect(!visits.isEmpty)
            // The first visit holds the request from its arrival to its end.
            #expect(visits.first?.start == request.start && visits.first?.end == request.end)
            for (k, v) in visits.enumerated() {
                let wait = spans.filter { $0.name == "wait" && $0.start == v.start }.map(\.duration).reduce(0, +)
                let service = try #require(
                    spans.first { $0.name == "service" && $0.start == v.start + wait && $0.end <= v.end })
                let called = k + 1 < visits.count ? visits[k + 1].duration : 0
                #expect(
                    wait + service.duration + called == v.duration,
                    "request \(request.request) at \(v.name): \(wait) + \(service.duration) + \(called) != \(v.duration)"
                )
                #expect(Int64((((v.args["wait_ms"] as? Double) ?? -1) * 1e6).rounded()) == wait)
            }
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test("a pipeline's visits follow each other and add up to the latency")
    func pipelineAddsUp() throws {
        let (events, _) = try trace("tandem.yaml", ["--set", "horizon=1m", "--trace-sample", "0.05"])
        expectWellFormed(events)
        var checked = 0
        for (_, spans) in Dictionary(grouping: events, by: \.request) {
            let request = try #require(spans.first { $0.category == "request" })
            let visits = spans.filter { $0.category == "visit" }.sorted { $0.start < $1.start }
            #expect(visits.map(\.duration).reduce(0, +) == request.duration)
            for (a, b) in zip(visits, visits.dropFirst()) { #expect(a.end == b.start) }
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test("a fan-out's branches overlap, so they get lanes of their own, and still nest in their request")
    func fanOutLanes() throws {
        let (events, _) = try trace("call-tree.yaml", ["--set", "horizon=30s", "--trace-sample", "0.02"])
        expectWellFormed(events)
        let lanesPerRequest = Dictionary(grouping: events, by: \.request).mapValues { Set($0.map(\.tid)).count }
        #expect(lanesPerRequest.values.contains { $0 > 1 }, "no request used a second lane")
        // A page visits search and recommend in parallel: both inside the app visit that called them.
        for (_, spans) in Dictionary(grouping: events, by: \.request) {
            guard let app = spans.first(where: { $0.name == "app" }),
                let search = spans.first(where: { $0.name == "search" }),
                let recommend = spans.first(where: { $0.name == "recommend" })
            else { continue }
            #expect(search.start >= app.start && search.end <= app.end)
            #expect(recommend.start >= app.start && recommend.end <= app.end)
        }
    }

    @Test("with every request traced, the trace's error share is replication 1's error rate, cause by cause")
    func everyFailureTraced() throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("trace.json").path
        let long = dir.appendingPathComponent("long.csv").path
        let r = capsim([
            "run", scenarioPath("mmck.yaml"), "-q", "--replications", "2", "--set", "horizon=40s", "--per-replication",
            long, "--trace", path, "--trace-sample", "1", "--trace-limit", "1000000",
        ])
        #expect(r.status == 0, "\(r.err)")
        let events = try load(path).events
        expectWellFormed(events)
        let requests = events.filter { $0.category == "request" }
        let errors = events.filter { $0.category == "error" }
        #expect(errors.count > 1000, "M/M/2/5 loses about a quarter of its requests to a full queue")
        #expect(errors.allSatisfy { $0.name == "queue_full" && $0.args["component"] as? String != nil })
        let rate = try String(contentsOfFile: long, encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("mm2-k5,0,0,errors.queue_full.rate,") }
            .flatMap { Double($0.split(separator: ",").last ?? "") }
        let errorRate: Double = Double(errors.count) / Double(requests.count)
        #expect(try #require(rate) == errorRate)
    }

    @Test("retries: every attempt's visits lie inside the request, numbered, and failures name their cause")
    func retries() throws {
        let (events, _) = try trace("retry-storm.yaml", ["--set", "horizon=25s", "--trace-limit", "2000"])
        expectWellFormed(events)
        let requests = events.filter { $0.category == "request" }
        #expect(requests.count == 2000, "the limit keeps 2000 failed requests")
        #expect(requests.contains { ($0.args["attempts"] as? Int ?? 0) > 1 })
        #expect(events.contains { $0.category == "visit" && ($0.args["attempt"] as? Int ?? 0) > 1 })
        for e in events where e.category == "error" {
            #expect(["timeout", "queue_full"].contains(e.name) && e.args["cause"] as? String == e.name)
        }
    }

    @Test("the sample is the share asked for, and the same bytes for any thread count")
    func sampleAndDeterminism() throws {
        let dir = temporaryDirectory()
        let a = dir.appendingPathComponent("a.json").path
        let b = dir.appendingPathComponent("b.json").path
        let base = ["run", scenarioPath("mm1.yaml"), "-q", "--replications", "3", "--set", "horizon=2m"]
        #expect(capsim(base + ["--jobs", "1", "--trace", a, "--trace-sample", "0.1"]).status == 0)
        #expect(capsim(base + ["--jobs", "2", "--trace", b, "--trace-sample", "0.1"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        let all = dir.appendingPathComponent("all.json").path
        #expect(capsim(base + ["--trace", all, "--trace-sample", "1", "--trace-limit", "1000000"]).status == 0)
        let n = Double(try load(all).events.filter { $0.category == "request" }.count)
        let k = Double(try load(a).events.filter { $0.category == "request" }.count)
        // Binomial(n, 0.1): within 4.5 standard deviations (a false alarm about once in 150,000).
        #expect(abs(k - 0.1 * n) <= 4.5 * (n * 0.1 * 0.9).squareRoot(), "\(k) of \(n) sampled")
    }

    @Test("a sweep's designs are processes of one file, named, each within its limit")
    func sweepDesigns() throws {
        let (events, metadata) = try trace(
            "mmc.yaml",
            [
                "--set", "horizon=1m", "--sweep", "components.pool.workers=8,9", "--trace-sample", "1",
                "--trace-limit", "7",
            ])
        let names = metadata.filter { $0["name"] as? String == "process_name" }
            .compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        #expect(names.count == 2 && names.allSatisfy { $0.contains("components.pool.workers=") }, "\(names)")
        for pid in [1, 2] {
            let successes = events.filter {
                $0.pid == pid && $0.category == "request" && $0.args["outcome"] as? String == "success"
            }
            #expect(successes.count == 7)
        }
    }

    @Test(
        "options are checked before anything runs",
        arguments: [
            (["--trace-sample", "0.5"], "Error: --trace-sample and --trace-limit need --trace PATH"),
            (
                ["--trace", "t.json", "--trace-sample", "1.5"],
                "Error: --trace-sample must be between 0 and 1, found 1.5"
            ),
            (["--trace", "t.json", "--trace-limit=-1"], "Error: --trace-limit must be 0 or more, found -1"),
            (["--trace", "-"], "Error: --trace needs a file: a trace is for a viewer, not standard output"),
        ])
    func badOptions(_ options: [String], _ message: String) {
        let r = capsim(["run", scenarioPath("mm1.yaml")] + options)
        #expect(r.status == 64)
        #expect(r.err.hasPrefix(message), "\(r.err)")
    }

    @Test("a trace into a missing folder fails before the run, and leaves no file")
    func missingFolder() {
        let r = capsim(["run", scenarioPath("mm1.yaml"), "--trace", "/nonexistent/dir/t.json"])
        #expect(r.status != 0)
        #expect(r.err.contains("/nonexistent/dir"), "\(r.err)")
    }
}
