import CapSimTestSupport
import Foundation
import Testing

/// `--pareto`: the front is exactly the designs no other design beats on both cost and the metric,
/// as brute force over the sweep's own CSV finds them; and its errors come before any simulation.
@Suite("Pareto front")
struct ParetoTests {
    /// Rows of a CSV as dictionaries by header (no quoted commas in the columns read here).
    func rows(_ text: String) -> [[String: String]] {
        var lines = text.split(separator: "\n").map { line -> [String] in
            // Labels are quoted when they hold commas: split outside quotes.
            var cells: [String] = []
            var cell = ""
            var quoted = false
            for c in line {
                if c == "\"" {
                    quoted.toggle()
                } else if c == ",", !quoted {
                    cells.append(cell)
                    cell = ""
                } else {
                    cell.append(c)
                }
            }
            cells.append(cell)
            return cells
        }
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst()
        return lines.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test("a sweep's front over cost and mean wait is what brute force over every design finds")
    func sweepFront() throws {
        let dir = temporaryDirectory()
        let all = dir.appendingPathComponent("all.csv").path
        let front = dir.appendingPathComponent("front.csv").path
        let r = capsim([
            "run", scenarioPath("sizing.yaml"), "--set", "replications=5", "--sweep",
            "components.pool.workers=10,11,12,14", "--sweep", "components.pool.instances=1,2,3", "--csv", all,
            "--pareto", "hop.pool.wait.mean", "--pareto-csv", front, "-q",
        ])
        #expect(r.status == 0, "\(r.err)")
        let designs = rows(try String(contentsOfFile: all, encoding: .utf8))
        func point(_ d: [String: String]) -> (cost: Double, wait: Double, key: String)? {
            guard let c = d["cost.monthly"].flatMap(Double.init), let w = d["hop.pool.wait.mean"].flatMap(Double.init)
            else { return nil }
            return (c, w, "\(d["components.pool.workers"] ?? "")/\(d["components.pool.instances"] ?? "")")
        }
        let points = designs.compactMap(point)
        #expect(points.count == 12)
        let expected = Set(
            points.filter { p in
                !points.contains { q in
                    q.cost <= p.cost && q.wait <= p.wait && (q.cost < p.cost || q.wait < p.wait)
                }
            }.map(\.key))
        let got = rows(try String(contentsOfFile: front, encoding: .utf8))
        #expect(Set(got.compactMap(point).map(\.key)) == expected)
        #expect(!expected.isEmpty && expected.count < points.count)
        // Cheapest first.
        let costs = got.compactMap { $0["cost.monthly"].flatMap(Double.init) }
        #expect(costs == costs.sorted())
        #expect(got.allSatisfy { $0["hop.pool.wait.mean.hw95"].flatMap(Double.init) != nil })
    }

    @Test("size --pareto: a front of passing probes only")
    func sizeFront() throws {
        let dir = temporaryDirectory()
        let probes = dir.appendingPathComponent("probes.csv").path
        let front = dir.appendingPathComponent("front.csv").path
        let r = capsim([
            "size", scenarioPath("sizing.yaml"), "--vary", "components.pool.workers=9..16", "--vary",
            "components.pool.instances=1..2", "--csv", probes, "--pareto", "latency.p99", "--pareto-csv", front, "-q",
        ])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Pareto front"), "\(r.out)")
        let passing = Set(
            rows(try String(contentsOfFile: probes, encoding: .utf8)).filter { $0["verdict"] == "PASS" }.map {
                "\($0["components.pool.workers"] ?? "")/\($0["components.pool.instances"] ?? "")"
            })
        let got = rows(try String(contentsOfFile: front, encoding: .utf8)).map {
            "\($0["components.pool.workers"] ?? "")/\($0["components.pool.instances"] ?? "")"
        }
        #expect(!got.isEmpty && got.allSatisfy(passing.contains), "\(got) not all in \(passing)")
    }

    @Test("a metric that does not exist, has no direction, or designs without prices: exit 64 before simulating")
    func errors() {
        let unknown = capsim(["run", scenarioPath("sizing.yaml"), "--pareto", "latency.p98", "-q"])
        #expect(unknown.status == 64)
        #expect(unknown.err == "--pareto: no metric 'latency.p98' in these designs (see the README's \"Metrics\")\n")
        let level = capsim(["run", scenarioPath("sizing.yaml"), "--pareto", "queue.pool.p50", "-q"])
        #expect(level.status == 64 && level.err.contains("has no better direction"), "\(level.err)")
        let unpriced = capsim(["run", scenarioPath("mm1.yaml"), "--pareto", "latency.p99", "-q"])
        #expect(unpriced.status == 64 && unpriced.err.contains("give the components prices"), "\(unpriced.err)")
        let orphan = capsim(["run", scenarioPath("sizing.yaml"), "--pareto-csv", "-"])
        #expect(orphan.status == 64 && orphan.err.contains("--pareto-csv needs --pareto METRIC"), "\(orphan.err)")
    }
}
