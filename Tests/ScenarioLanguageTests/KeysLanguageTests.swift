import InfraModel
import SimRandom
import Testing

@testable import ScenarioLanguage

/// Request keys (`keys:`) and the consistent_hash policy's options: what they decode to, and the
/// exact text of their errors.
@Suite("Keys and consistent_hash: decoding and diagnostics")
struct KeysLanguageTests {
    func problems(_ yaml: String, overrides: [String] = []) -> [String] {
        do {
            _ = try ScenarioLoader.parse(
                yaml: yaml, file: "s.yaml", overrides: overrides.map { try Override(parsing: $0) })
            return []
        } catch let e as ScenarioLoadError {
            guard case .invalid(let error) = e else { return ["\(e)"] }
            return error.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    /// A pool `web` (with `pool` lines) behind classes `read` (with `keys`) and `write`.
    static func yaml(
        keys: String = "{count: 5M, zipf: 0.99}", writeKeys: String? = "{count: 5M}",
        pool: String = "balance: consistent_hash"
    ) -> String {
        """
        version: 1
        horizon: 1m
        workload:
          arrivals: {process: poisson, rate: 100/s}
          classes:
            - {name: read, weight: 0.9, path: [web], keys: \(keys)}
            - {name: write, weight: 0.1, path: [web]\(writeKeys.map { ", keys: \($0)" } ?? "")}
        components:
          web:
            kind: server_pool
            instances: 4
            service: {exponential: {mean: 1ms}}
        \(pool.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    @Test(
        "counts: whole numbers with k, M, G suffixes, read exactly",
        arguments: [
            ("1000", UInt64(1000)), ("1_000", 1000), ("200k", 200_000), ("5M", 5_000_000), ("1.5M", 1_500_000),
            ("2G", 2_000_000_000), (" 7 ", 7), ("0.001k", 1), ("1.2500k", 1250),
            ("9007199254740992", 9_007_199_254_740_992),
        ])
    func counts(text: String, value: UInt64) throws {
        #expect(try Quantity.count(text).get() == value)
    }

    @Test(
        "bad counts say what was expected",
        arguments: [
            ("1.5", "expected a whole number (1.5 is not), found '1.5'"),
            ("0.0005k", "expected a whole number (0.0005k is not), found '0.0005k'"),
            ("5m", "expected a whole number such as 1000, 200k, 5M or 2G, found '5m'"),
            ("-3", "expected a whole number such as 1000, 200k, 5M or 2G, found '-3'"),
            ("1e6", "expected a whole number such as 1000, 200k, 5M or 2G, found '1e6'"),
            ("", "expected a whole number such as 1000, 200k, 5M or 2G, found ''"),
            ("99999999999G", "expected a number below 2^64, found '99999999999G'"),
        ])
    func badCounts(text: String, message: String) {
        guard case .failure(let e) = Quantity.count(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(e.message == message)
    }

    @Test("keys: Zipf with its exponent, uniform without; consistent_hash with its defaults and options")
    func decodes() throws {
        let s = try ScenarioLoader.parse(
            yaml: Self.yaml(pool: "balance: consistent_hash\nvnodes: 50\nload_factor: 1.5"), file: "s.yaml")
        #expect(s.model.classes[0].keys == .zipf(exponent: 0.99, count: 5_000_000))
        #expect(s.model.classes[1].keys == .uniform(count: 5_000_000))
        #expect(s.model.stations[0].balance == .consistentHash)
        #expect(s.model.stations[0].consistentHash == ConsistentHashOptions(vnodes: 50, loadFactor: 1.5))
        let d = try ScenarioLoader.parse(yaml: Self.yaml(), file: "s.yaml")
        #expect(d.model.stations[0].consistentHash.vnodes == 100)
        #expect(d.model.stations[0].consistentHash.loadFactorMillionths == 1_250_000)
        let u = try ScenarioLoader.parse(
            yaml: Self.yaml(pool: "balance: consistent_hash\nload_factor: unlimited"), file: "s.yaml")
        #expect(u.model.stations[0].consistentHash.loadFactor == nil)
        // Keys without consistent_hash are fine (drawn, for the data tier to come).
        let rr = try ScenarioLoader.parse(yaml: Self.yaml(writeKeys: nil, pool: "balance: round_robin"), file: "s.yaml")
        #expect(rr.model.classes[1].keys == nil)
        // A sweep over the load factor.
        let sweep = try ScenarioLoader.parse(
            yaml: Self.yaml() + "\nsweep: {components.web.load_factor: [unlimited, 1.25, 2]}\n", file: "s.yaml")
        #expect(sweep.points.map(\.model.stations[0].consistentHash.loadFactor) == [nil, 1.25, 2])
    }

    @Test("a class without keys at a consistent_hash station is an error at the class")
    func missingKeys() {
        #expect(
            problems(Self.yaml(writeKeys: nil)) == [
                "s.yaml:7:7: error: workload.classes.1: consistent_hash at 'web' needs keys: class 'write' has none (give it keys:, e.g. keys: {count: 1M, zipf: 0.99})"
            ])
        // Through a load balancer: the target is the hashed station.
        let lb = """
            version: 1
            horizon: 1m
            workload:
              arrivals: {process: poisson, rate: 100/s}
              classes: [{name: get, path: [edge, web]}]
            components:
              edge: {kind: load_balancer, targets: web, policy: consistent_hash, vnodes: 20}
              web: {kind: server_pool, instances: 3, service: {exponential: {mean: 1ms}}}
            """
        #expect(
            problems(lb) == [
                "s.yaml:5:13: error: workload.classes.0: consistent_hash at 'web' needs keys: class 'get' has none (give it keys:, e.g. keys: {count: 1M, zipf: 0.99})"
            ])
    }

    @Test("keys spelled wrong, bad counts and exponents: errors with their places")
    func badKeys() {
        #expect(
            problems(Self.yaml(keys: "{count: 5M, zipff: 0.99}")) == [
                "s.yaml:6:64: error: workload.classes.0.keys.zipff: unknown key 'zipff'; expected one of count, zipf (did you mean 'zipf'?)"
            ])
        #expect(
            problems(Self.yaml(keys: "{zipf: 0.99}")) == [
                "s.yaml:6:52: error: workload.classes.0.keys: missing required key 'count'"
            ])
        #expect(
            problems(Self.yaml(keys: "5M")) == [
                "s.yaml:6:52: error: workload.classes.0.keys: expected a mapping with keys count, zipf, found '5M'"
            ])
        #expect(
            problems(Self.yaml(keys: "{count: 0}")) == [
                "s.yaml:6:60: error: workload.classes.0.keys.count: expected a number of keys from 1 to 9007199254740992 (2^53), found 0"
            ])
        #expect(
            problems(Self.yaml(keys: "{count: 1.5}")) == [
                "s.yaml:6:60: error: workload.classes.0.keys.count: expected a whole number (1.5 is not), found '1.5'"
            ])
        #expect(
            problems(Self.yaml(keys: "{count: 1k, zipf: -1}")) == [
                "s.yaml:6:70: error: workload.classes.0.keys.zipf: expected a Zipf exponent ≥ 0 (e.g. 0.99; 0 is uniform), found '-1'"
            ])
        #expect(problems(Self.yaml(keys: "{count: 10G, zipf: 0.99}")) == [])
    }

    @Test("vnodes and load_factor: ranges, only with consistent_hash, a ring of at most a million points")
    func badOptions() {
        // A component with a bad option is dropped, so the paths naming it report it too: not what is tested here.
        func problems(_ yaml: String, overrides: [String] = []) -> [String] {
            self.problems(yaml, overrides: overrides).filter { !$0.contains("expected the name of a component") }
        }
        #expect(
            problems(Self.yaml(pool: "balance: consistent_hash\nvnodes: 0")) == [
                "s.yaml:14:13: error: components.web.vnodes: expected a whole number from 1 to 10000, found 0"
            ])
        #expect(
            problems(Self.yaml(pool: "balance: consistent_hash\nvnodes: 2.5")) == [
                "s.yaml:14:13: error: components.web.vnodes: expected a whole number, found '2.5'"
            ])
        #expect(
            problems(Self.yaml(pool: "balance: consistent_hash\nload_factor: 0.9")) == [
                "s.yaml:14:18: error: components.web.load_factor: expected a load factor from 1 to 1000 (an instance may hold at most ceil(factor × (in flight + 1) / instances) requests; default 1.25) or 'unlimited', found '0.9'"
            ])
        #expect(
            problems(Self.yaml(pool: "balance: consistent_hash\nload_factor: unlimted")) == [
                "s.yaml:14:18: error: components.web.load_factor: expected a load factor from 1 to 1000 (an instance may hold at most ceil(factor × (in flight + 1) / instances) requests; default 1.25) or 'unlimited', found 'unlimted' (did you mean 'unlimited'?)"
            ])
        #expect(
            problems(Self.yaml(pool: "vnodes: 10")) == [
                "s.yaml:13:13: error: components.web.vnodes: vnodes applies only to 'balance: consistent_hash'; this component's balance is round_robin (the default)"
            ])
        #expect(
            problems(Self.yaml(pool: "balance: random\nload_factor: 2")) == [
                "s.yaml:14:18: error: components.web.load_factor: load_factor applies only to 'balance: consistent_hash'; this component's balance is random"
            ])
        #expect(
            problems(
                Self.yaml(pool: "balance: consistent_hash\nvnodes: 10000", ),
                overrides: ["components.web.instances=101"]) == [
                    "s.yaml:14:13: error: components.web.vnodes: expected at most 1000000 ring points (instances × vnodes), found 101 × 10000 = 1010000: lower vnodes"
                ])
        let lb = """
            version: 1
            horizon: 1m
            workload:
              arrivals: {process: poisson, rate: 100/s}
              classes: [{name: get, path: [edge, web], keys: {count: 1k}}]
            components:
              edge: {kind: load_balancer, targets: web, policy: least_outstanding, load_factor: 2}
              web: {kind: server_pool, instances: 3, service: {exponential: {mean: 1ms}}}
            """
        #expect(
            problems(lb) == [
                "s.yaml:7:85: error: components.edge.load_factor: load_factor applies only to 'policy: consistent_hash'; this balancer's policy is least_outstanding"
            ])
        let ok = lb.replacingOccurrences(
            of: "least_outstanding, load_factor: 2", with: "consistent_hash, vnodes: 7, load_factor: 1.1")
        let s = try? ScenarioLoader.parse(yaml: ok, file: "s.yaml")
        #expect(s?.model.stations[1].balance == .consistentHash)
        #expect(s?.model.stations[1].consistentHash == ConsistentHashOptions(vnodes: 7, loadFactor: 1.1))
    }
}
