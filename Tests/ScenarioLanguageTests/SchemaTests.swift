import Foundation
import Testing

@testable import ScenarioLanguage

/// The published JSON Schema stays in step with the decoder: same keys at every place, every
/// shipped scenario valid, every example decodable, the decoder's defaults.
@Suite("JSON Schema")
struct SchemaTests {
    let schema = ScenarioSchema.document
    var validator: SchemaValidator { SchemaValidator(root: schema) }

    static let probeBase = """
        version: 1
        horizon: 1m
        replications: {min: 2, max: 4, until: slo-decided}
        workload:
          arrivals: {process: poisson, rate: 100/s}
          classes:
            - {name: a, path: [web]}
        components:
          web: {kind: server_pool, workers: 4, service: {exponential: {mean: 10ms}}}
        slos:
          - {metric: latency.p99, max: 100ms}
        """

    /// The keys the decoder accepts at `path`, read from its "unknown key" message for a probe:
    /// `zzz_probe` set at `path`, or inside the `service` or the whole override `probe` given.
    func decoderKeys(at path: String, service: String? = nil, probe: String? = nil) throws -> [String] {
        var sets = [path.isEmpty ? "zzz_probe=1" : path + ".zzz_probe=1"]
        if let service { sets = ["components.web.service=" + service] }
        if let probe { sets = [probe] }
        do {
            _ = try ScenarioLoader.parse(
                yaml: Self.probeBase, file: "p.yaml", overrides: sets.map { try Override(parsing: $0) })
        } catch let ScenarioLoadError.invalid(e) {
            let prefix = "unknown key 'zzz_probe'; expected one of "
            guard let m = e.diagnostics.first(where: { $0.message.hasPrefix(prefix) })?.message else {
                Issue.record("no unknown-key message for \(path): \(e)")
                return []
            }
            return m.dropFirst(prefix.count).components(separatedBy: ", ")
        }
        Issue.record("the probe at \(path) was accepted")
        return []
    }

    /// Property names a schema allows (through `$ref`, `anyOf`/`oneOf` alternatives).
    func propertyNames(_ s: JSONValue?) -> Set<String> {
        guard let s else { return [] }
        if case .string(let ref) = s["$ref"] ?? .null { return propertyNames(validator.resolve(ref)) }
        var names: Set<String> = []
        if case .object(let p) = s["properties"] ?? .null { names.formUnion(p.map(\.key)) }
        for k in ["anyOf", "oneOf"] {
            if case .array(let options) = s[k] ?? .null { for o in options { names.formUnion(propertyNames(o)) } }
        }
        return names
    }

    func def(_ name: String) -> JSONValue? { schema["$defs"]?[name] }

    @Test(
        "every key the decoder accepts is in the schema, and no other",
        arguments: [
            ("", "scenario", ScenarioDecoder.plannedTopLevelKeys + ScenarioDecoder.misplacedTopLevelRegionKeys),
            ("components.web", "server-pool", ScenarioDecoder.plannedServerPoolKeys),
            ("workload", "workload", ScenarioDecoder.plannedWorkloadKeys),
            ("workload.arrivals", "arrivals", []),
            ("workload.classes.0", "class", ScenarioDecoder.plannedClassKeys),
            ("replications", "replication-plan", []),
            ("slos.0", "slo", []),
            ("availability", "availability", []),
            ("components.web.autoscale", "autoscale", []),
        ])
    func keysInStep(path: String, definition: String, planned: [String]) throws {
        let decoder = Set(try decoderKeys(at: path)).subtracting(planned)
        var schemaKeys = propertyNames(def(definition))
        if definition == "scenario" { schemaKeys.formUnion(propertyNames(def("partial-scenario"))) }
        #expect(
            decoder == schemaKeys,
            "at '\(path)': decoder only \(decoder.subtracting(schemaKeys)), schema only \(schemaKeys.subtracting(decoder))"
        )
        #expect(!decoder.isEmpty)
    }

    @Test("a load balancer's keys are in the schema, and no other")
    func loadBalancerKeysInStep() throws {
        let decoder = try decoderKeys(
            at: "components.lb", probe: "components.lb={kind: load_balancer, targets: web, zzz_probe: 1}")
        let expected = Set(decoder).subtracting(ScenarioDecoder.plannedLoadBalancerKeys)
        #expect(!expected.isEmpty)
        #expect(expected == propertyNames(def("load-balancer")))
    }

    @Test("a load balancer's failover options are in the schema, and no other")
    func failoverKeysInStep() throws {
        let decoder = try decoderKeys(
            at: "components.lb.failover",
            probe:
                "components.lb={kind: load_balancer, targets: web, failures: {mtbf: 1h, mttr: 1m}, failover: {switch: 1s, zzz_probe: 1}}"
        )
        #expect(decoder == ScenarioDecoder.failoverKeys)
        for definition in ["load-balancer", "partial-load-balancer"] {
            #expect(Set(decoder) == propertyNames(def(definition)?["properties"]?["failover"]), "\(definition)")
        }
    }

    @Test("a database's keys are in the schema, and no other")
    func databaseKeysInStep() throws {
        let decoder = try decoderKeys(
            at: "components.db",
            probe: "components.db={kind: database, primary: {service: {exponential: {mean: 1ms}}}, zzz_probe: 1}")
        let expected = Set(decoder).subtracting(ScenarioDecoder.plannedDatabaseKeys)
        #expect(!expected.isEmpty)
        #expect(expected == propertyNames(def("database")))
        #expect(propertyNames(def("database")) == propertyNames(def("partial-database")))
    }

    @Test("a cache's and a cdn's keys are in the schema, and no other")
    func cacheKeysInStep() throws {
        for (kind, definition) in [("cache", "cache"), ("cdn", "cdn")] {
            let decoder = try decoderKeys(
                at: "components.c", probe: "components.c={kind: \(kind), hit_ratio: 0.5, zzz_probe: 1}")
            // A pool's planned `capacity` is a cache's built one (keys held).
            let expected = Set(decoder).subtracting(ScenarioDecoder.plannedCacheKeys).union(["capacity"])
            #expect(!expected.isEmpty)
            #expect(
                expected == propertyNames(def(definition)),
                "\(kind): decoder \(expected.sorted()), schema \(propertyNames(def(definition)).sorted())")
            #expect(propertyNames(def(definition)) == propertyNames(def("partial-" + definition)))
        }
    }

    @Test("every distribution family and its fields are in the schema")
    func distributionsInStep() throws {
        guard case .array(let alternatives) = def("distribution")?["oneOf"] ?? .null else {
            Issue.record("no oneOf")
            return
        }
        #expect(alternatives.count == ScenarioDecoder.distributionNames.count)
        for family in ScenarioDecoder.distributionNames {
            let decoder = Set(try decoderKeys(at: "", service: "{\(family): {zzz_probe: 1}}"))
            let alternative = alternatives.first { propertyNames($0) == [family] }
            #expect(alternative != nil, "no schema for \(family)")
            let schemaKeys = propertyNames(alternative?["properties"]?[family])
            #expect(decoder == schemaKeys, "\(family): decoder \(decoder.sorted()), schema \(schemaKeys.sorted())")
        }
    }

    @Test("no decoder key lacks a description")
    func described() {
        #expect(ScenarioSchema.undescribedKeys == [])
    }

    @Test("the schema uses only keywords the test validator checks, and is valid JSON")
    func keywords() throws {
        let used = SchemaValidator.keywordsUsed(in: schema)
        #expect(used.subtracting(SchemaValidator.keywords).subtracting(SchemaValidator.annotations) == [])
        let parsed = try JSONSerialization.jsonObject(with: Data(ScenarioSchema.text.utf8)) as? [String: Any]
        #expect(parsed?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(ScenarioSchema.text == ScenarioSchema.text)
        for (_, pattern) in patterns(in: schema) {
            #expect((try? NSRegularExpression(pattern: pattern)) != nil, "bad pattern \(pattern)")
        }
    }

    func patterns(in s: JSONValue, at path: String = "") -> [(String, String)] {
        switch s {
        case .object(let pairs):
            return pairs.flatMap { k, v -> [(String, String)] in
                if k == "pattern", case .string(let p) = v { return [(path, p)] }
                return patterns(in: v, at: path + "/" + k)
            }
        case .array(let items): return items.flatMap { patterns(in: $0, at: path) }
        default: return []
        }
    }

    @Test("every shipped scenario validates against the schema, as written and as `show` prints it")
    func shippedScenarios() throws {
        let folder = scenariosFolder()
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
            .sorted()
        #expect(files.count >= 9)
        for f in files {
            let path = folder + "/" + f
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(validator.validate(try JSONValue.fromYAML(text)) == [], "\(f)")
            let resolved = try ScenarioLoader.load(path: path)
            #expect(validator.validate(try JSONValue.fromYAML(resolved.tree.yamlText)) == [], "\(f) resolved")
        }
    }

    @Test(
        "mistakes fail the schema as they fail the decoder",
        arguments: [
            ("horizon: 90", "horizon: expected string, found 90"),
            ("horizon: 1:30", "horizon: '1:30' does not match"),
            ("replicatons: 3", "replicatons: unknown key"),
            ("workers: 0", "components.web.workers: matches none of anyOf"),
            ("balance: round-robin", "components.web.balance: expected one of"),
            ("rate: 100", "workload.arrivals.rate: expected string, found 100"),
            ("rate: 100/fortnight", "workload.arrivals.rate: '100/fortnight' does not match"),
            (
                "service: {exponential: {mean: 1ms}, lognormal: {mean: 1ms, cv: 2}}",
                "components.web.service: matches 0 of oneOf"
            ),
            ("service: {lognormal: {mean: 1ms}}", "components.web.service: matches 0 of oneOf"),
            ("version: 2", "version: expected 1"),
            ("web-2!: {kind: server_pool}", "components.web-2!"),
        ])
    func mistakes(line: String, problem: String) throws {
        let text = Self.valid(with: line)
        let problems = validator.validate(try JSONValue.fromYAML(text))
        #expect(problems.contains { $0.hasPrefix(problem) }, "\(problems)")
        #expect(throws: ScenarioLoadError.self) { try ScenarioLoader.parse(yaml: text) }
    }

    /// A valid scenario with one line replaced or added in the right place.
    static func valid(with line: String) -> String {
        var lines = [
            "version: 1", "horizon: 1m",
            "workload:", "  arrivals: {process: poisson, rate: 100/s}",
            "components:", "  web:", "    kind: server_pool", "    workers: 4", "    balance: random",
            "    service: {exponential: {mean: 10ms}}",
        ]
        let key = String(line.prefix { $0 != ":" })
        if let i = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") }) {
            let indent = lines[i].prefix { $0 == " " }
            lines[i] = indent + line
        } else if key == "rate" {
            lines[3] = "  arrivals: {process: poisson, \(line)}"
        } else if key.hasPrefix("web") {
            lines.append("  " + line)
        } else {
            lines.insert(line, at: 2)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("a variant needs only what it changes")
    func variants() throws {
        let variant =
            "extends: base.yaml\nname: b\ncomponents:\n  web: {workers: 16}\nworkload:\n  arrivals: {rate: 200/s}\n"
        #expect(validator.validate(try JSONValue.fromYAML(variant)) == [])
        let misspelt = "extends: base.yaml\ncomponents:\n  web: {workrs: 16}\n"
        #expect(validator.validate(try JSONValue.fromYAML(misspelt)) == ["components.web.workrs: unknown key"])
        #expect(!validator.validate(try JSONValue.fromYAML("name: x\n")).isEmpty)
        // `key: ~` removes the base's value (README "Variants"): the schema lets any key be null.
        let removal = "extends: base.yaml\ncomponents:\n  web: {tls: ~, timeout: ~}\nlatency_objective: ~\n"
        #expect(validator.validate(try JSONValue.fromYAML(removal)) == [])
    }

    @Test("every example in the schema validates and decodes")
    func examples() throws {
        guard case .array(let alternatives) = def("distribution")?["oneOf"] ?? .null else {
            Issue.record("no oneOf")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "1\n2\n3\n".write(to: folder.appendingPathComponent("samples.csv"), atomically: true, encoding: .utf8)
        let distributionValidator = SchemaValidator(root: schema)
        var count = 0
        for alternative in alternatives {
            guard case .array(let examples) = alternative["examples"] ?? .null else { continue }
            for example in examples {
                count += 1
                var problems: [String] = []
                distributionValidator.check(example, against: def("distribution")!, at: "", into: &problems)
                #expect(problems == [], "\(example)")
                let yaml = Self.flowYAML(example)
                #expect(throws: Never.self, "\(yaml)") {
                    try ScenarioLoader.parse(
                        yaml: DiagnosticTests.valid, baseDirectory: folder.path,
                        overrides: [try Override(parsing: "components.web.service=" + yaml)])
                }
            }
        }
        #expect(count == ScenarioDecoder.distributionNames.count)
    }

    static func flowYAML(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): s
        case .number(let x): JSONValue.format(x)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        case .array(let items): "[" + items.map(flowYAML).joined(separator: ", ") + "]"
        case .object(let pairs): "{" + pairs.map { "\($0.key): \(flowYAML($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    @Test("the schema's defaults are the decoder's")
    func defaults() throws {
        let s = try ScenarioLoader.parse(yaml: DiagnosticTests.valid.replacingOccurrences(of: "workers: 4, ", with: ""))
        let top = def("scenario")?["properties"]
        let pool = def("server-pool")?["properties"]
        #expect(top?["replications"]?["default"] == .number(Double(s.replications)))
        #expect(top?["seed"]?["default"] == .number(Double(s.seed)))
        #expect(top?["warmup"]?["default"] == .string("0s") && s.model.window.warmup == .zero)
        #expect(top?["drain"]?["default"] == .string("10m") && s.model.window.drain == .seconds(600))
        let station = s.model.stations[0]
        #expect(pool?["instances"]?["default"] == .number(Double(station.instances)))
        #expect(pool?["workers"]?["default"] == .number(Double(station.workers ?? -1)))
        #expect(pool?["queue"]?["default"] == .string("unlimited") && station.queueCapacity == nil)
        #expect(pool?["balance"]?["default"] == .string(station.balance.rawValue))
    }

    @Test("YAML is typed as editors type it (YAML 1.2 core schema)")
    func typing() throws {
        let v = try JSONValue.fromYAML(
            "a: 10\nb: 1.5\nc: yes\nd: no\ne: on\nf: true\ng: ~\nh: '10'\ni: 1:30\nj: 10ms\nk: 1_000\n")
        #expect(
            v
                == .object([
                    ("a", .number(10)), ("b", .number(1.5)), ("c", .string("yes")), ("d", .string("no")),
                    ("e", .string("on")), ("f", .bool(true)), ("g", .null), ("h", .string("10")),
                    ("i", .string("1:30")), ("j", .string("10ms")), ("k", .string("1_000")),
                ]))
    }
}

/// The shipped scenarios' folder, found from this file's path.
func scenariosFolder() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scenarios").path
}
