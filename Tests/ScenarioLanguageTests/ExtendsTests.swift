import Foundation
import Testing

@testable import ScenarioLanguage

/// `extends:` — a variant is a few lines on top of its base; problems point into the file each
/// value came from.
@Suite("Variants (extends)")
struct ExtendsTests {
    /// A fresh folder holding `files` (name → text).
    func folder(_ files: [String: String]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("capsim-extends-\(UUID().uuidString)")
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return url.path
    }

    func problems(_ path: String, overrides: [String] = []) -> String {
        do {
            _ = try ScenarioLoader.load(path: path, overrides: overrides.map { try Override(parsing: $0) })
            return ""
        } catch {
            return "\(error)"
        }
    }

    static let base = """
        version: 1
        name: base
        horizon: 1m
        warmup: 5s
        workload:
          arrivals: {process: poisson, rate: 100/s}
          mode: pipeline
        components:
          web: {kind: server_pool, instances: 2, workers: 4, service: {lognormal: {mean: 10ms, cv: 1.5}}}
          db: {kind: server_pool, workers: 8, service: {exponential: {mean: 2ms}}}
        """

    @Test("mappings merge, the variant wins, lists replace, a null removes, name is its own")
    func merge() throws {
        let dir = try folder([
            "base.yaml": Self.base,
            "sub/variant.yaml": """
            extends: ../base.yaml
            warmup: ~
            workload:
              arrivals: {rate: 300/s}
              classes: [{name: only, path: [db]}]
            components:
              web: {workers: 16, service: {gamma: {mean: 10ms, cv: 0.5}}}
              cache: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}}
            """,
        ])
        let s = try ScenarioLoader.load(path: dir + "/sub/variant.yaml")
        #expect(s.name == "variant")
        #expect(s.model.window.warmup == .zero)
        #expect(s.model.arrivals == .poisson(rate: 300))
        #expect(s.model.stations.map(\.name) == ["web", "db", "cache"])
        #expect(s.model.stations[0].instances == 2 && s.model.stations[0].workers == 16)
        #expect(s.model.stations[0].service == .gamma(mean: 0.01, cv: 0.5))
        #expect(s.model.classes.map(\.name) == ["only"])
        #expect(
            s.tree.yamlText == """
                version: 1
                horizon: 1m
                workload:
                  arrivals: {process: poisson, rate: 300/s}
                  mode: pipeline
                  classes:
                    - {name: only, path: [db]}
                components:
                  web: {kind: server_pool, instances: 2, workers: 16, service: {gamma: {mean: 10ms, cv: 0.5}}}
                  db: {kind: server_pool, workers: 8, service: {exponential: {mean: 2ms}}}
                  cache: {kind: server_pool, workers: unlimited, service: {deterministic: 1ms}}

                """)
    }

    @Test("the resolved scenario hashes like the same scenario written out in full")
    func hash() throws {
        let dir = try folder([
            "base.yaml": Self.base,
            "variant.yaml": "extends: base.yaml\nname: base\ncomponents:\n  web: {workers: 16}\n",
            "full.yaml": Self.base.replacingOccurrences(of: "workers: 4", with: "workers: 16"),
        ])
        let variant = try ScenarioLoader.load(path: dir + "/variant.yaml")
        let full = try ScenarioLoader.load(path: dir + "/full.yaml")
        #expect(variant.hash == full.hash)
        #expect(variant.hash != (try ScenarioLoader.load(path: dir + "/base.yaml")).hash)
    }

    @Test("chains resolve; --set applies after extends")
    func chains() throws {
        let dir = try folder([
            "a.yaml": Self.base,
            "b.yaml": "extends: a.yaml\nseed: 7\n",
            "c.yaml": "extends: b.yaml\nreplications: 3\n",
        ])
        let s = try ScenarioLoader.load(path: dir + "/c.yaml", overrides: [try Override(parsing: "seed=9")])
        #expect(s.seed == 9 && s.replications == 3 && s.name == "c")
        #expect(
            problems(dir + "/c.yaml", overrides: ["extends=a.yaml"])
                == "--set extends=a.yaml: error: extends: 'extends' is resolved before --set overrides apply; write a variant file that extends the base instead"
        )
    }

    @Test("problems point into the file each value came from, in file order")
    func locations() throws {
        let dir = try folder([
            "base.yaml": Self.base.replacingOccurrences(of: "cv: 1.5", with: "cv: -1"),
            "variant.yaml": "extends: base.yaml\ncomponents:\n  db: {workers: none}\n",
        ])
        #expect(
            problems(dir + "/variant.yaml") == """
                \(dir)/variant.yaml:3:17: error: components.db.workers: expected a whole number or 'unlimited', found 'none'
                  3 |   db: {workers: none}
                    |                 ^
                \(dir)/base.yaml:9:92: error: components.web.service.lognormal.cv: expected a number > 0, found -1
                  9 |   web: {kind: server_pool, instances: 2, workers: 4, service: {lognormal: {mean: 10ms, cv: -1}}}
                    |                                                                                            ^
                """)
    }

    @Test("a base named relative to the extending file's folder; a missing one is an error at 'extends'")
    func missing() throws {
        let dir = try folder(["variant.yaml": "version: 1\nextends: nowhere.yaml\n"])
        #expect(
            problems(dir + "/variant.yaml") == """
                \(dir)/variant.yaml:2:10: error: extends: cannot read the scenario file to extend, '\(dir)/nowhere.yaml': no such file
                  2 | extends: nowhere.yaml
                    |          ^
                """)
        #expect(problems(dir + "/variant.yaml").contains("extends"))
    }

    @Test("a cycle is an error naming the chain")
    func cycle() throws {
        let dir = try folder([
            "a.yaml": "extends: b.yaml\nversion: 1\n",
            "b.yaml": "extends: a.yaml\n",
            "self.yaml": "extends: ./self.yaml\n",
        ])
        #expect(
            problems(dir + "/a.yaml") == """
                \(dir)/b.yaml:1:10: error: extends: extends a file that extends this one: \(dir)/a.yaml → \(dir)/b.yaml → \(dir)/a.yaml
                  1 | extends: a.yaml
                    |          ^
                """)
        #expect(
            problems(dir + "/self.yaml").contains(
                "extends a file that extends this one: \(dir)/self.yaml → \(dir)/./self.yaml"))
    }

    @Test("a base with a syntax error or a duplicate key reports it in the base")
    func brokenBase() throws {
        let dir = try folder([
            "base.yaml": Self.base + "\nseed: 1\nseed: 2\n",
            "variant.yaml": "extends: base.yaml\n",
        ])
        #expect(
            problems(dir + "/variant.yaml") == """
                \(dir)/base.yaml:12:1: error: seed: duplicate key 'seed' (first at line 11, column 1)
                  12 | seed: 2
                     | ^
                """)
    }

    @Test("'extends' must name a file")
    func notAFile() throws {
        let dir = try folder(["v.yaml": "extends: [a.yaml]\n", "d.yaml": "extends: .\n"])
        #expect(
            problems(dir + "/v.yaml").hasPrefix(
                "\(dir)/v.yaml:1:10: error: extends: expected the name of a scenario file to extend (relative to this file's folder), found a list"
            ))
        #expect(
            problems(dir + "/d.yaml").hasPrefix(
                "\(dir)/d.yaml:1:10: error: extends: cannot read the scenario file to extend, '\(dir)/.': it is a directory"
            ))
    }
}
