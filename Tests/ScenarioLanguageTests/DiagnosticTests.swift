import InfraModel
import SimRandom
import Testing

@testable import ScenarioLanguage

/// Exact-text tests for what users see when a scenario is wrong.
@Suite("Diagnostics")
struct DiagnosticTests {
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

    static let valid = """
        version: 1
        horizon: 1m
        workload:
          arrivals: {process: poisson, rate: 100/s}
        components:
          web: {kind: server_pool, workers: 4, service: {exponential: {mean: 10ms}}}
        """

    @Test("a valid scenario has no problems and sensible defaults")
    func valid() throws {
        let s = try ScenarioLoader.parse(yaml: Self.valid, file: "dir/shop.yaml")
        #expect(s.name == "shop")
        #expect(s.replications == 10 && s.seed == 1)
        #expect(s.model.window.warmup == .zero)
        #expect(
            s.model.stations == [
                StationSpec(
                    name: "web", instances: 1, workers: 4, queueCapacity: nil,
                    service: .exponential(mean: 0.01), balance: .roundRobin)
            ])
        #expect(s.model.classes == [RequestClass(name: "default", weight: 1, path: [0], mode: .synchronous)])
        #expect(s.model.arrivals == .poisson(rate: 100))
    }

    @Test("every problem is reported at once, in file order, with location and key path")
    func collected() {
        let yaml = """
            version: 1
            horizon: 1:30
            replicatons: 3
            workload:
              arrivals: {process: poison, rate: 100}
            components:
              web:
                kind: server_pool
                workers: no
                service: {lognormal: {mean: 20ms, cv: -1}}
                balance: round-robin
            """
        #expect(
            problems(yaml) == [
                "s.yaml:2:10: error: horizon: expected a duration unit (ns, us, ms, s, m, h, d), found '1:30'",
                "s.yaml:3:1: error: replicatons: unknown key 'replicatons'; expected one of version, name, description, horizon, warmup, drain, replications, seed, workload, components, slos, sweep, latency_objective, availability, zones, regions, dns, events, extends, currency, autoscale, standby (did you mean 'replications'?)",
                "s.yaml:5:23: error: workload.arrivals.process: expected one of poisson, constant, gamma, mmpp2, trace, closed, found 'poison' (did you mean 'poisson'?)",
                "s.yaml:5:37: error: workload.arrivals.rate: expected a rate with a time unit (e.g. 2000/s, 120k/min), found '100'",
                "s.yaml:9:14: error: components.web.workers: expected a whole number or 'unlimited', found 'no'",
                "s.yaml:10:43: error: components.web.service.lognormal.cv: expected a number > 0, found -1",
                "s.yaml:11:14: error: components.web.balance: expected one of round_robin, random, least_outstanding, power_of_two, weighted_round_robin, consistent_hash, found 'round-robin' (did you mean 'round_robin'?)",
            ])
    }

    @Test("YAML 1.1 booleans stay strings where a name is expected")
    func yamlPitfalls() throws {
        let yaml =
            Self.valid.replacingOccurrences(of: "components:\n  web:", with: "components:\n  on:")
            + "\n  no: {kind: server_pool, service: {exponential: {mean: 1ms}}}\n"
        let s = try ScenarioLoader.parse(
            yaml: yaml.replacingOccurrences(of: "version: 1", with: "version: 1\nname: yes"),
            overrides: [try Override(parsing: "workload.mode=pipeline")])
        #expect(s.name == "yes")
        #expect(s.model.stations.map(\.name) == ["on", "no"])
    }

    @Test("parts of the language not built yet are errors, never silently ignored")
    func notBuilt() {
        let yaml = Self.valid + "\nautoscale: {}\n"
        #expect(
            problems(yaml) == [
                "s.yaml:7:12: error: autoscale: 'autoscale' is part of the scenario language but not built in this version of capsim yet"
            ])
    }

    @Test("a database's backups, restore and data_loss events: bad input is an error at its key path")
    func backupDiagnostics() {
        let base = """
            version: 1
            horizon: 1m
            workload:
              classes:
                - {name: w, path: [db.write], arrivals: {process: poisson, rate: 10/s}}
            components:
              db: {kind: database, primary: {service: {exponential: {mean: 1ms}}}, KEY}
              web: {kind: server_pool, service: {exponential: {mean: 1ms}}}
            """
        func problems(_ key: String) -> [String] {
            ScenarioLoaderProbe.problems(base.replacingOccurrences(of: "KEY", with: key))
        }
        #expect(
            problems("backups: {every: 24h, at: 3h, duration: 1h}") == [
                "s.yaml:7:98: error: components.db.backups.at: expected a time before the horizon (1m), found 3h"
            ])
        #expect(
            problems("backups: {at: 3s, duration: 1h, every: 30m}") == [
                "s.yaml:7:100: error: components.db.backups.duration: expected a backup shorter than the time between backups (every: 30m), found 1h: each would still run when the next is due"
            ])
        #expect(
            problems("backups: {duration: 1m, from: replica}") == [
                "s.yaml:7:102: error: components.db.backups.from: a backup from a replica needs replicas: this database has none (back up from: primary)"
            ])
        #expect(
            problems("backups: {duration: 1m, load: {service_factor: 0.5x}}") == [
                "s.yaml:7:119: error: components.db.backups.load.service_factor: expected a factor ≥ 1 (a backup slows its node), found 0.5"
            ])
        #expect(
            problems("restore: {log_shipping: 5m}") == [
                "s.yaml:7:81: error: components.db.restore: missing the restore's time: give 'time' (a duration or a distribution), or 'size' and 'rate' (e.g. size: 500GB, rate: 200MB/s)"
            ])
        #expect(
            problems("restore: {time: 1h, size: 5GB}") == [
                "s.yaml:7:98: error: components.db.restore.size: give the restore's time, or its size and rate, not both"
            ])
        #expect(
            problems("restore: {size: 5GB}") == [
                "s.yaml:7:88: error: components.db.restore.size: a restore's size needs its rate (e.g. rate: 200MB/s): it takes size / rate"
            ])
        #expect(
            problems("restore: {size: 5GB, rate: 5MB}") == [
                "s.yaml:7:99: error: components.db.restore.rate: expected a data rate such as 200MB/s or 1.5GB/min, found '5MB'"
            ])
        #expect(problems("restore: {size: 500GB, rate: 200MB/s}, backups: {duration: 1m}").isEmpty)
        let unlimited = ScenarioLoaderProbe.problems(
            base.replacingOccurrences(
                of: "primary: {service: {exponential: {mean: 1ms}}}, KEY",
                with:
                    "primary: {workers: unlimited, service: {exponential: {mean: 1ms}}}, backups: {duration: 1m, load: {workers: 2}}"
            ))
        #expect(
            unlimited == [
                "s.yaml:7:132: error: components.db.backups.load.workers: a backup holds some of its node's workers, and this node's workers are unlimited: give them a number, or slow the node with service_factor instead"
            ])
        let loss = ScenarioLoaderProbe.problems(
            base.replacingOccurrences(of: ", KEY", with: "")
                + "\nevents:\n  - {at: 30s, data_loss: {component: db}}\n  - {at: 31s, data_loss: {component: web}}")
        #expect(
            loss == [
                "s.yaml:10:38: error: events.0.data_loss.component: data_loss needs the database's 'restore: {time: …}' (how it recovers, and how long that takes)",
                "s.yaml:11:38: error: events.1.data_loss.component: data_loss is a database's total loss; 'web' is not a database",
            ])
    }

    @Test("autoscale on a database or a load balancer is not built yet: an error at its key path")
    func autoscaleNotBuilt() {
        func scenario(path: String, component: String) -> String {
            """
            version: 1
            horizon: 1m
            workload:
              classes:
                - {name: r, path: \(path), arrivals: {process: poisson, rate: 10/s}}
            components:
              web: {kind: server_pool, workers: 4, service: {exponential: {mean: 10ms}}}
              \(component)
            """
        }
        let autoscale = "autoscale: {metric: in_flight, target: 3, max: 4}"
        let db = "db: {kind: database, primary: {service: {exponential: {mean: 1ms}}}, \(autoscale)}"
        #expect(
            problems(scenario(path: "[web, db.read]", component: db)) == [
                "s.yaml:8:83: error: components.db.autoscale: 'autoscale' is part of the scenario language but not built in this version of capsim yet"
            ])
        let lb = "lb: {kind: load_balancer, targets: web, \(autoscale)}"
        #expect(
            problems(scenario(path: "[lb, web]", component: lb)) == [
                "s.yaml:8:54: error: components.lb.autoscale: 'autoscale' is part of the scenario language but not built in this version of capsim yet"
            ])
    }

    @Test("a multi-component path is a synchronous call chain unless it says pipeline")
    func callModes() throws {
        let yaml = Self.valid + "\n  db: {kind: server_pool, service: {exponential: {mean: 1ms}}}\n"
        let s = try ScenarioLoader.parse(yaml: yaml)
        #expect(s.model.classes == [RequestClass(name: "default", path: [0, 1], mode: .synchronous)])
        let p = try ScenarioLoader.parse(yaml: yaml, overrides: [try Override(parsing: "workload.mode=pipeline")])
        #expect(p.model.classes[0].mode == .pipeline)
        #expect(
            problems(yaml, overrides: ["workload.mode=pipelined"]) == [
                "--set workload.mode=pipelined: error: workload.mode: expected one of synchronous, pipeline, found 'pipelined' (did you mean 'pipeline'?)"
            ])
    }

    @Test("missing required keys and a wrong version")
    func required() {
        #expect(
            problems("version: 2\nname: x\n") == [
                "s.yaml:1:1: error: missing required key 'horizon'",
                "s.yaml:1:1: error: missing required key 'workload'",
                "s.yaml:1:1: error: missing required key 'components'",
                "s.yaml:1:10: error: version: expected version 1 (the scenario language this capsim reads), found 2",
            ])
    }

    @Test("YAML syntax errors and duplicate keys carry line and column")
    func syntax() {
        #expect(
            problems("a: [\n") == [
                "s.yaml:2:1: error: invalid YAML: did not find expected node content (while parsing a flow node at 2:1)"
            ])
        #expect(
            problems("version: 1\nversion: 1\n").contains(
                "s.yaml:2:1: error: version: duplicate key 'version' (first at line 1, column 1)"))
    }

    @Test("--set overrides any field by key path, and adds missing ones")
    func overrides() throws {
        let s = try ScenarioLoader.parse(
            yaml: Self.valid,
            overrides: [
                try Override(parsing: "components.web.workers=unlimited"),
                try Override(parsing: "components.web.instances=3"),
                try Override(parsing: "horizon=10s"),
                try Override(parsing: "workload.arrivals={process: constant, rate: 5/s}"),
            ])
        #expect(s.model.stations[0].workers == nil && s.model.stations[0].instances == 3)
        #expect(s.model.window.horizon.nanoseconds == 10_000_000_000)
        #expect(s.model.arrivals == .constant(rate: 5))
        let base = try ScenarioLoader.parse(yaml: Self.valid)
        #expect(s.hash != base.hash)
        #expect(
            problems(Self.valid, overrides: ["components.web.instances=zero"]) == [
                "--set components.web.instances=zero: error: components.web.instances: expected a whole number, found 'zero'"
            ])
        #expect(
            problems(Self.valid, overrides: ["horizon.x=1"]) == [
                "--set horizon.x=1: error: horizon: cannot set 'x' inside '1m': it is not a mapping"
            ])
    }

    @Test("the scenario hash ignores formatting but not content")
    func hash() throws {
        let a = try ScenarioLoader.parse(yaml: Self.valid)
        let b = try ScenarioLoader.parse(
            yaml: "# a comment\n"
                + Self.valid.replacingOccurrences(
                    of: "{process: poisson, rate: 100/s}", with: "\n    process: poisson\n    rate: 100/s"))
        #expect(a.hash == b.hash)
        #expect(a.hash.count == 16)
    }

    @Test(
        "every distribution family decodes to its value",
        arguments: [
            ("{exponential: {mean: 2ms}}", Distribution.exponential(mean: 0.002)),
            ("{deterministic: 5ms}", .deterministic(value: 0.005)),
            ("{deterministic: {value: 5ms}}", .deterministic(value: 0.005)),
            ("{uniform: [1ms, 3ms]}", .uniform(min: 0.001, max: 0.003)),
            ("{uniform: {min: 1ms, max: 3ms}}", .uniform(min: 0.001, max: 0.003)),
            ("{normal: {mean: 10ms, sd: 2ms}}", .normal(mean: 0.01, sd: 0.002)),
            ("{normal: {mean: 10ms, cv: 0.2}}", .normal(mean: 0.01, sd: 0.002)),
            ("{lognormal: {mean: 20ms, cv: 1.5}}", .lognormal(mean: 0.02, cv: 1.5)),
            ("{gamma: {mean: 4ms, cv: 0.7}}", .gamma(mean: 0.004, cv: 0.7)),
            ("{weibull: {shape: 1.5, scale: 10ms}}", .weibull(shape: 1.5, scale: 0.01)),
            ("{pareto: {shape: 2.5, scale: 1ms}}", .pareto(shape: 2.5, scale: 0.001)),
            ("{erlang: {k: 3, mean: 6ms}}", .erlang(k: 3, mean: 0.006)),
            (
                "{hyperexponential: {branches: [{p: 0.9, mean: 1ms}, {p: 0.1, mean: 10ms}]}}",
                .hyperexponential(probabilities: [0.9, 0.1], means: [0.001, 0.01])
            ),
            ("{hyperexponential: {mean: 1ms, cv: 2}}", .hyperexponential(mean: 0.001, cv: 2)),
        ])
    func distributions(text: String, expected: Distribution) throws {
        let s = try ScenarioLoader.parse(
            yaml: Self.valid, overrides: [try Override(parsing: "components.web.service=" + text)])
        let d = s.model.stations[0].service
        #expect(d.name == expected.name)
        #expect(abs(d.mean - expected.mean) <= expected.mean * 1e-12)
        #expect(abs(d.variance - expected.variance) <= expected.variance * 1e-9)
    }

    @Test(
        "distribution mistakes",
        arguments: [
            (
                "{lognormal: {mean: 20ms}}",
                "--set components.web.service={lognormal: {mean: 20ms}}: error: components.web.service.lognormal: expected exactly one of 'cv' (a number) and 'sd' (a duration)"
            ),
            (
                "{expnential: {mean: 2ms}}",
                "--set components.web.service={expnential: {mean: 2ms}}: error: components.web.service.expnential: expected a distribution (exponential, deterministic, uniform, normal, lognormal, gamma, weibull, pareto, erlang, hyperexponential, empirical), found 'expnential' (did you mean 'exponential'?)"
            ),
            (
                "{exponential: {mean: 2}}",
                "--set components.web.service={exponential: {mean: 2}}: error: components.web.service.exponential.mean: expected a duration with a unit (e.g. 250ms, 1.5s, 5m, 2h), found '2'"
            ),
            (
                "{hyperexponential: {mean: 1ms, cv: 0.5}}",
                "--set components.web.service={hyperexponential: {mean: 1ms, cv: 0.5}}: error: components.web.service.hyperexponential.cv: expected a number ≥ 1, found 0.5"
            ),
            (
                "{uniform: [3ms, 1ms]}",
                "--set components.web.service={uniform: [3ms, 1ms]}: error: components.web.service.uniform: max must be > min (found min 0.003, max 0.001)"
            ),
        ])
    func distributionErrors(text: String, message: String) {
        #expect(problems(Self.valid, overrides: ["components.web.service=" + text]) == [message])
    }
}

@Suite("Database diagnostics")
struct DatabaseDiagnosticTests {
    func problems(_ db: String, path: String = "[db.read]") -> [String] {
        let yaml = """
            version: 1
            horizon: 1m
            workload:
              classes:
                - {name: r, path: \(path), arrivals: {process: poisson, rate: 10/s}, keys: {count: 100}}
            components:
              db: \(db)
            """
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
            return []
        } catch let e as ScenarioLoadError {
            guard case .invalid(let error) = e else { return ["\(e)"] }
            return error.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    static let good =
        "{kind: database, primary: {service: {exponential: {mean: 1ms}}}, replicas: {count: 2, lag: {deterministic: 10ms}}"

    @Test("database mistakes are reported with their place and exact text")
    func exactText() {
        #expect(problems(Self.good + "}").isEmpty)
        // A database that fails to decode is not a component: the path's call to it is reported too (first).
        #expect(problems(Self.good + ", failover: {detect: 10s, promote: {uniform: [5s, 15s]}}}").isEmpty)
        #expect(
            problems(Self.good + ", failover: {detect: 10s}}").last
                == "s.yaml:7:132: error: components.db.failover: missing required key 'promote'")
        #expect(
            problems(
                "{kind: database, primary: {service: {exponential: {mean: 1ms}}}, failover: {detect: 1s, promote: 1s}}"
            ).last
                == "s.yaml:7:82: error: components.db.failover: failover promotes a replica: add replicas: {count: …, lag: …} (with none, a failed primary fails writes until it is back)"
        )
        #expect(
            problems(Self.good + ", acks: 2}").last
                == "s.yaml:7:128: error: components.db.acks: acks applies only to 'replication: sync'; this database's replication is async (the default)"
        )
        #expect(
            problems(Self.good + ", replication: sync, acks: 3}").last
                == "s.yaml:7:147: error: components.db.acks: expected a whole number from 1 to 2, found 3")
        #expect(
            problems(Self.good + ", replication: synch}").last
                == "s.yaml:7:135: error: components.db.replication: expected async or sync, found 'synch' (did you mean 'sync'?)"
        )
        #expect(
            problems(Self.good + ", read_policy: replica}").last
                == "s.yaml:7:135: error: components.db.read_policy: expected one of replicas, primary, any, found 'replica' (did you mean 'replicas'?)"
        )
        #expect(
            problems("{kind: database, primary: {service: {exponential: {mean: 1ms}}}, replicas: {count: 2}}").last
                == "s.yaml:7:82: error: components.db.replicas.lag: missing required key 'lag': the replication lag of each commit at each replica, e.g. lag: {exponential: {mean: 80ms}} (or an apply queue: apply: {exponential: {mean: 2ms}})"
        )
        #expect(
            problems(
                "{kind: database, primary: {service: {exponential: {mean: 1ms}}}, replicas: {count: 1, lag: {deterministic: 1ms}, balance: power_of_two}}"
            ).last
                == "s.yaml:7:129: error: components.db.replicas.balance: expected one of round_robin, random, least_outstanding among a database's replicas, found 'power_of_two'"
        )
        #expect(
            problems(Self.good + "}", path: "[db]")
                == [
                    "s.yaml:5:24: error: workload.classes.0.path.0: a database is called as 'db.read' or 'db.write' (reads go to the replicas, writes to the primary), found 'db'"
                ])
        #expect(
            problems(Self.good + "}", path: "[db.reed]")
                == [
                    "s.yaml:5:24: error: workload.classes.0.path.0: expected 'db.read' or 'db.write', found 'db.reed' (did you mean 'db.read'?)"
                ])
    }
}

/// The diagnostics of scenario text read as `s.yaml`.
enum ScenarioLoaderProbe {
    static func problems(_ yaml: String) -> [String] {
        do {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "s.yaml")
            return []
        } catch let e as ScenarioLoadError {
            guard case .invalid(let error) = e else { return ["\(e)"] }
            return error.diagnostics.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }
}
