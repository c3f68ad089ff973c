import ArgumentParser
import ScenarioLanguage

/// `capsim show FILE`: the fully resolved scenario — its `extends:` chain merged and `--set`
/// overrides applied — as YAML, so a variant or a long command line can be read as the one
/// design it describes (and saved, and run, with the same scenario hash).
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the fully resolved scenario (after extends and --set) as YAML.",
        discussion: """
            The output is deterministic: keys in file order (a variant's new keys after its \
            base's), comments dropped, values as written. The scenario is checked first: an \
            invalid one prints its problems and exits 65.

            Examples:
              capsim show Scenarios/mmc-10-workers.yaml
              capsim show Scenarios/mm1.yaml --set horizon=1h > mm1-1h.yaml
            """)

    @Argument(help: "Scenario file (YAML).", completion: .file(extensions: ["yaml", "yml", "json"]))
    var file: String

    @OptionGroup var scenario: ScenarioOptions

    func run() throws {
        let s = try scenario.load(file)
        Console.current.out("# \(s.name): \(file) resolved (scenario hash \(s.hash))\n" + s.tree.yamlText)
    }
}
