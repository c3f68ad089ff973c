import ArgumentParser
import Reporting
import ScenarioLanguage

/// `capsim tasks FILE…`: the canonical task table that `run --shard` splits (README "Scale-out").
struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "Print the task table a sharded run splits: the number of tasks, or each task as JSON.",
        discussion: """
            A task is one replication of one design (a scenario, or a point of its sweep),
            numbered from 0 by design (files in the order given, sweep points in order), then
            replication. 'capsim run … --shard I/N' runs the tasks whose id ≡ I (mod N); give
            tasks the same files and options as the run. With --vary, the table of a sharded
            'capsim size': every setting of the axes, the last varying fastest.

            Examples:
              capsim tasks Scenarios/mm1.yaml
              capsim tasks Scenarios/mmc.yaml --sweep components.pool.workers=8,9,10 --json
              sbatch --array=0-$(( $(capsim tasks Scenarios/mm1.yaml) - 1 )) …   (one task per array job)
            """)

    @Argument(help: "Scenario files (YAML), as given to run.")
    var files: [String]

    @OptionGroup var scenario: ScenarioOptions

    @Option(
        name: .customLong("vary"),
        help: ArgumentHelp(
            "The table of 'capsim size FILE --vary … --shard': one design per setting of these axes (as size's --vary).",
            valueName: "KEY.PATH=RANGE"))
    var vary: [String] = []

    @Flag(help: "Print every task as JSON (task, file, point, axes, replication) instead of their number.")
    var json = false

    func validate() throws {
        if !vary.isEmpty {
            guard files.count == 1 else { throw ValidationError("--vary: size sizes one scenario file") }
            guard scenario.sweeps.isEmpty else { throw ValidationError("--vary and --sweep exclude each other") }
            _ = try vary.map(SizeCommand.axis)
        }
    }

    func run() throws {
        let console = Console.current
        let table =
            vary.isEmpty
            ? TaskTable(try files.map { try scenario.load($0) })
            : TaskTable(
                grid: try SizeCommand.grid(files[0], scenario, CapacitySearch(axes: try vary.map(SizeCommand.axis))))
        guard json else {
            console.out("\(table.count)\n")
            return
        }
        var tasks: [JSONValue] = []
        tasks.reserveCapacity(table.count)
        for design in table.designs {
            let axes = JSONValue.object(design.scenario.axes.map { ($0.path, .string($0.text)) })
            for r in 0..<design.replications {
                tasks.append(
                    .object([
                        ("task", .number(Double(design.first + r))), ("file", .string(design.scenario.file)),
                        ("point", .number(Double(design.point))), ("axes", axes),
                        ("replication", .number(Double(r))),
                    ]))
            }
        }
        console.out(JSONValue.array(tasks).text)
    }
}
