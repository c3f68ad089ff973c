import CapSimTestSupport
import Foundation
import InfraModel
import Reporting
import ScenarioLanguage
import SimStats
import Testing

/// The pieces of a shard file (README "Scale-out"): the task table, a replication's record, and
/// the file's framing and checks.
@Suite("Shard files")
struct ShardFileTests {
    @Test("task lists read back as written: ids and ranges, in any order, without repeats")
    func taskLists() throws {
        #expect(try TaskTable.parseList("3,17-20").get() == [3, 17, 18, 19, 20])
        #expect(try TaskTable.parseList("20,3,17-19,18").get() == [3, 17, 18, 19, 20])
        #expect(TaskTable.listText([3, 17, 18, 19, 20]) == "3,17-20")
        #expect(TaskTable.listText([0, 1, 3, 5, 6]) == "0-1,3,5-6")
        #expect(TaskTable.listText([]) == "")
        for ids in [[0], [1, 2, 3], [0, 2, 4, 5, 6, 9], Array(0..<100).filter { $0 % 7 != 3 }] {
            #expect(try TaskTable.parseList(TaskTable.listText(ids)).get() == ids)
        }
        for bad in ["", "x", "3,", "-1", "5-3", "1-", "+3", " 3", "3-4-5", "٣"] {
            #expect((try? TaskTable.parseList(bad).get()) == nil, "'\(bad)'")
        }
    }

    @Test("the task table numbers designs then replications; shards split it without overlap")
    func table() throws {
        let sweep = try ScenarioLoader.load(
            path: scenarioPath("mmc.yaml"),
            overrides: [
                try Override(parsing: "sweep.components.pool.workers=[8,9,10]"),
                try Override(parsing: "replications=4"),
            ])
        let single = try ScenarioLoader.load(path: scenarioPath("mm1.yaml"))
        let table = TaskTable([sweep, single])
        #expect(table.count == 3 * 4 + 10)
        #expect(table.designs.map(\.first) == [0, 4, 8, 12])
        #expect(table.designs.map(\.point) == [0, 1, 2, 0])
        #expect(table.designs.map(\.file) == [0, 0, 0, 1])
        for id in 0..<table.count {
            let (d, r) = table.locate(id)
            #expect(table.designs[d].first + r == id && r < table.designs[d].replications)
        }
        for n in [1, 3, 7, 40] {
            let shards = (0..<n).map { table.shard($0, of: n) }
            #expect(shards.flatMap { $0 }.sorted() == Array(0..<table.count))
            #expect(shards.allSatisfy { $0 == $0.sorted() })
        }
    }

    /// Results of a short three-tier run: many metrics, histograms and distributions.
    func results() throws -> (Scenario, [ReplicationResult]) {
        let s = try ScenarioLoader.load(
            path: scenarioPath("three-tier.yaml"),
            overrides: [try Override(parsing: "horizon=3s"), try Override(parsing: "warmup=1s")])
        return (s, Experiment(spec: s.model, seed: s.seed, indices: [0, 2, 5], jobs: 2).run())
    }

    func expectSame(_ a: ReplicationResult, _ b: ReplicationResult) {
        #expect(a.replication == b.replication)
        #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern))
        #expect(a.histograms == b.histograms)
        #expect(a.distributions == b.distributions)
        #expect(a.outcome == b.outcome)
        #expect(a.measuredEnded == b.measuredEnded && a.measuredSuccesses == b.measuredSuccesses)
    }

    @Test("a replication's record reads back bit for bit, and a replication run alone is the one a run computes")
    func records() throws {
        let (s, results) = try results()
        #expect(results.map(\.replication) == [0, 2, 5])
        let all = Experiment(spec: s.model, seed: s.seed, replications: 0..<6, jobs: 1).run()
        for r in results { expectSame(r, all[r.replication]) }
        let layout = MetricLayout(spec: s.model)
        for r in results {
            var w = ByteWriter()
            ReplicationCodec.encode(r, into: &w)
            let back = try w.bytes.withUnsafeBytes { bytes in
                var reader = ByteReader(bytes)
                let back = try ReplicationCodec.decode(
                    &reader, metrics: layout.metrics.count, histograms: layout.histograms.count,
                    distributions: layout.distributions.count)
                #expect(reader.remaining == 0)
                return back
            }
            expectSame(back, r)
            #expect(r.histograms.contains { $0.count > 0 })
        }
    }

    @Test("a damaged record is an error, never a crash: every truncation and thousands of altered bytes")
    func damagedRecords() throws {
        let (s, results) = try results()
        let layout = MetricLayout(spec: s.model)
        var w = ByteWriter()
        ReplicationCodec.encode(results[0], into: &w)
        let good = w.bytes
        func decode(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { b in
                var reader = ByteReader(b)
                return
                    (try? ReplicationCodec.decode(
                        &reader, metrics: layout.metrics.count, histograms: layout.histograms.count,
                        distributions: layout.distributions.count)) != nil
            }
        }
        for cut in stride(from: 0, to: good.count, by: max(1, good.count / 2000)) {
            #expect(!decode(Array(good.prefix(cut))))
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var bad = good
            bad[Int.random(in: 0..<bad.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = decode(bad)
        }
    }

    @Test("a shard file's manifest and records read back; its checks name what is wrong")
    func file() throws {
        let (s, results) = try results()
        let table = TaskTable([s])
        let manifest = ShardManifest(
            files: ["three-tier.yaml"], paths: ["/x/three-tier.yaml"], overrides: ["horizon=3s", "warmup=1s"],
            maxEvents: 12345,
            designs: table.designs.map { ShardManifest.Design($0, layout: MetricLayout(spec: $0.scenario.model)) },
            tasks: table.count, selection: .list("0,2,5"), taskList: [0, 2, 5],
            warmups: [
                (0, WarmupChoice(warmup: .init(nanoseconds: 7), batch: 1, batches: 2, pilots: 3, atSearchLimit: true))
            ])
        let bytes = ShardFile.encode(manifest, records: zip([0, 2, 5], results).map { ($0, $1) })
        let contents = try ShardFile.read(ShardBytes(name: "f", copying: bytes))
        #expect(contents.manifest.json == manifest.json)
        #expect(contents.manifest.maxEvents == 12345)
        #expect(contents.manifest.warmups.first?.choice.atSearchLimit == true)
        for k in 0..<3 { expectSame(try contents.result(k), results[k]) }
        func failure(_ b: [UInt8]) -> String {
            do {
                _ = try ShardFile.read(ShardBytes(name: "f", copying: b))
                return "read"
            } catch { return error.message }
        }
        #expect(failure(Array("not a shard".utf8)) == "f: not a capsim shard file (it does not start with CAPSIMSH)")
        #expect(failure(Array(bytes.prefix(bytes.count - 10))).hasPrefix("f: truncated or incomplete"))
        var version = bytes
        version[8] = 2
        #expect(failure(version) == "f: shard format version 2; this capsim reads version 1")
        var flipped = bytes
        flipped[bytes.count / 2] ^= 1
        #expect(failure(flipped).hasPrefix("f: damaged: its checksum does not match"))
        // Framing that the checksum vouches for but that does not add up: a record too few.
        let short = ShardFile.encode(manifest, records: zip([0, 2], results).map { ($0, $1) })
        #expect(failure(short) == "f: damaged: 2 records, the end marker counts 2 and the manifest lists 3 tasks")
        let wrongTask = ShardFile.encode(manifest, records: zip([0, 3, 5], results).map { ($0, $1) })
        #expect(failure(wrongTask) == "f: damaged: record 1 is task 3, the manifest lists 2")
        let wrongReplication = ShardFile.encode(manifest, records: zip([0, 2, 5], results.reversed()).map { ($0, $1) })
        #expect(failure(wrongReplication).hasPrefix("f: damaged record of task 0: task 0 holds replication 5"))
    }
}
