import ArgumentParser
import ScenarioLanguage

/// `capsim schema`: the JSON Schema of the scenario language, for editors to validate and
/// complete scenario files as they are typed.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of the scenario language, for editors.",
        discussion: """
            Editors validate and complete scenarios with it. With the YAML extension of VS \
            Code, point a setting at the file:
              "yaml.schemas": { "./capsim.schema.json": "Scenarios/*.yaml" }
            or put this first line in a scenario:
              # yaml-language-server: $schema=./capsim.schema.json

            Examples:
              capsim schema > capsim.schema.json
              capsim schema --output capsim.schema.json
            """)

    @Option(
        help: ArgumentHelp("Write the schema to this file (atomically) instead of standard output.", valueName: "PATH"),
        completion: .file(extensions: ["json"]))
    var output: String?

    func run() throws {
        try OutputFile.write(ScenarioSchema.text, to: output ?? "-")
    }
}
