import Foundation
import Testing

@testable import ScenarioLanguage

/// `capsim show` prints a resolved tree as YAML that reads back as the same tree.
@Suite("Resolved scenario as YAML")
struct ShowTests {
    @Test("every shipped scenario prints as YAML that reads back to the same tree and hash")
    func roundTrip() throws {
        let folder = scenariosFolder()
        for f in try FileManager.default.contentsOfDirectory(atPath: folder).filter({ $0.hasSuffix(".yaml") }).sorted()
        {
            let s = try ScenarioLoader.load(path: folder + "/" + f)
            let again = try ScenarioLoader.parse(yaml: s.tree.yamlText, file: f, baseDirectory: folder)
            #expect(again.tree == s.tree, "\(f)")
            #expect(again.hash == s.hash, "\(f)")
        }
    }

    @Test(
        "scalars that YAML would misread are quoted; the rest stay plain",
        arguments: [
            ("10ms", "10ms"), ("1:30", "1:30"), ("-1", "-1"), ("a b", "a b"), ("µs", "µs"), ("99.9%", "99.9%"),
            ("yes", "\"yes\""), ("no", "\"no\""), ("on", "\"on\""), ("Off", "\"Off\""), ("true", "true"),
            ("True", "\"True\""),
            ("null", "\"null\""), ("~", "\"~\""), ("", "\"\""), (" x", "\" x\""), ("x ", "\"x \""),
            ("a: b", "\"a: b\""), ("a #b", "\"a #b\""), ("x:", "\"x:\""), ("[x]", "\"[x]\""), ("a,b", "\"a,b\""),
            ("- x", "\"- x\""), ("#x", "\"#x\""), ("*x", "\"*x\""), ("&x", "\"&x\""), ("!x", "\"!x\""),
            ("'x'", "\"'x'\""),
            ("\"x\"", "\"\\\"x\\\"\""), ("a\nb", "\"a\\nb\""), ("tab\there", "\"tab\\there\""), ("<<", "\"<<\""),
        ])
    func scalars(text: String, yaml: String) throws {
        #expect(ScenarioNode.yamlScalar(text) == yaml)
        // And it reads back as the same text, as a key and as a value.
        let tree = try ScenarioNode.parse(yaml: "\(yaml): \(yaml)\nl: [\(yaml)]\nm: {\(yaml): \(yaml)}\n", file: "t")
        let expected = ScenarioNode.mapping(
            [
                (
                    text, SourceLocation(file: "t", line: nil, column: nil),
                    .scalar(text, SourceLocation(file: "t", line: nil, column: nil))
                ),
                (
                    "l", SourceLocation(file: "t", line: nil, column: nil),
                    .sequence(
                        [.scalar(text, SourceLocation(file: "t", line: nil, column: nil))],
                        SourceLocation(file: "t", line: nil, column: nil))
                ),
                (
                    "m", SourceLocation(file: "t", line: nil, column: nil),
                    .mapping(
                        [
                            (
                                text, SourceLocation(file: "t", line: nil, column: nil),
                                .scalar(text, SourceLocation(file: "t", line: nil, column: nil))
                            )
                        ], SourceLocation(file: "t", line: nil, column: nil))
                ),
            ], SourceLocation(file: "t", line: nil, column: nil))
        #expect(tree == expected)
    }

    @Test("layout: block sections, flow below when it fits, one item per line for lists of mappings")
    func layout() throws {
        let long = (1...12).map { "s\($0)" }.joined(separator: ", ")
        let yaml = """
            version: 1
            replications: {min: 2, max: 8, until: slo-decided}
            workload:
              arrivals:
                process: poisson
                rate: 100/s
              classes: [{name: a, path: [\(long)]}, {name: b, path: [s1]}]
            components:
              s1: {kind: server_pool, service: {exponential: {mean: 1ms}}, workers: 2, queue: 10, instances: 3, balance: random}
            empty: {}
            none:
            """
        let tree = try ScenarioNode.parse(yaml: yaml, file: "t")
        #expect(
            tree.yamlText == """
                version: 1
                replications: {min: 2, max: 8, until: slo-decided}
                workload:
                  arrivals: {process: poisson, rate: 100/s}
                  classes:
                    - {name: a, path: [\(long)]}
                    - {name: b, path: [s1]}
                components:
                  s1:
                    kind: server_pool
                    service: {exponential: {mean: 1ms}}
                    workers: 2
                    queue: 10
                    instances: 3
                    balance: random
                empty: {}
                none: null

                """)
        #expect(try ScenarioNode.parse(yaml: tree.yamlText, file: "t") == tree)
    }
}
