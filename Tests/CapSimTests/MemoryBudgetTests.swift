import CapSimTestSupport
import Foundation
import Testing

/// `--max-memory`: a design whose requests in flight pile up passes the budget, and the run stops
/// cleanly — what finished is kept and written, exit 65 with the budget named. Run against the
/// built binary: the budget is on the process's resident memory, and the stop it requests is
/// process-wide.
@Suite("Memory budget")
struct MemoryBudgetTests {
    /// One single-worker pool at ρ = 0.5 (500/s) or ρ = 2 (2000/s): at 2000/s about 1,000
    /// requests a second pile up, over 300 MB in the default 30 minutes.
    static let scenario = """
        version: 1
        name: pile-up
        workload: {arrivals: {process: poisson, rate: 500/s}}
        components:
          pool: {kind: server_pool, instances: 1, workers: 1, queue: unlimited, service: {exponential: {mean: 1ms}}}
        horizon: 30m
        replications: 2
        """

    func capsimProcess(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let binary = InterruptionTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("no capsim binary at \(binary): build with swift build --build-tests")
            return (-1, "", "")
        }
        return try runProcess(binary, arguments)
    }

    func scenarioFile() throws -> (dir: URL, file: String) {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("pile-up.yaml")
        try Self.scenario.write(to: file, atomically: true, encoding: .utf8)
        return (dir, file.path)
    }

    @Test("passing the budget stops the run: the finished design is written, exit 65 naming the budget")
    func stopsAndKeeps() throws {
        let (dir, file) = try scenarioFile()
        let csv = dir.appendingPathComponent("out.csv")
        let r = try capsimProcess([
            "run", file, "-q", "--sweep", "workload.arrivals.rate=500/s,2000/s", "--max-memory", "100MiB", "--csv",
            csv.path,
        ])
        #expect(r.status == 65, "\(r.err)")
        #expect(r.err.hasPrefix("capsim: error: stopped at --max-memory 100 MiB (resident memory reached "), "\(r.err)")
        #expect(
            r.err.contains("kept 2 of 2 replication(s) of pile-up (workload.arrivals.rate=500/s)"), "\(r.err)")
        #expect(!r.err.contains("rate=2000/s), 2 of 2"), "the overloaded design cannot finish within 100 MiB: \(r.err)")
        // The CSV holds the design that finished (the stable one) and no other.
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 2 && rows[1].contains("500/s") && !rows[1].contains("2000/s"), "\(rows)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test("a budget the run stays under changes nothing, byte for byte")
    func generousBudget() throws {
        let (_, file) = try scenarioFile()
        let plain = try capsimProcess(["run", file, "--set", "horizon=2m", "--csv", "-", "-q"])
        let budgeted = try capsimProcess([
            "run", file, "--set", "horizon=2m", "--csv", "-", "-q", "--max-memory", "4GiB",
        ])
        #expect(plain.status == 0 && budgeted.status == 0, "\(plain.err)\(budgeted.err)")
        #expect(!plain.out.isEmpty && plain.out == budgeted.out)
    }

    @Test(
        "bad budgets are usage errors",
        arguments: [
            ("10", "Error: --max-memory: expected a size with a unit (e.g. 20KB, 1.5MiB), found '10'"),
            ("1KB", "Error: --max-memory must be between 1MiB and 1024PiB, found '1KB'"),
            ("2MiB", "--max-memory 2 MiB is below what capsim already holds before simulating ("),
        ])
    func badBudget(value: String, message: String) throws {
        let (_, file) = try scenarioFile()
        let r = try capsimProcess(["run", file, "-q", "--max-memory", value])
        #expect(r.status == 64, "\(r.err)")
        #expect(r.err.hasPrefix(message), "\(r.err)")
    }
}
