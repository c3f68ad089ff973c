import ScenarioLanguage

/// The canonical task table of a run (README "Scale-out"): one task per design and replication,
/// numbered from 0 in design order (the files in the order given, each file's sweep points in
/// order), then replication order. A design has as many tasks as its plan's maximum
/// replications, so a sequential plan (`until: slo-decided`) is run whole by shards, and the
/// merge takes the looks' prefixes from it, as a single run would have stopped.
///
/// A shard `I/N` is the tasks whose id ≡ I (mod N): every shard gets a share of every design.
public struct TaskTable: Sendable {
    /// One design's run of tasks: ids `first ..< first + replications`.
    public struct Design: Sendable {
        public var scenario: Scenario
        /// Index of its file among those given, and of the point in that file's sweep.
        public var file: Int
        public var point: Int
        public var first: Int
        public var replications: Int
    }

    public private(set) var designs: [Design] = []
    /// Tasks in all.
    public private(set) var count = 0

    /// The table of `scenarios` (the files given, each with its sweep points).
    public init(_ scenarios: [Scenario]) {
        for (f, s) in scenarios.enumerated() {
            for (p, point) in s.points.enumerated() {
                designs.append(
                    Design(scenario: point, file: f, point: p, first: count, replications: point.plan.maximum))
                count += point.plan.maximum
            }
        }
    }

    /// The table of a sharded `capsim size`: one design per setting of its axes, in the
    /// search's grid order, all of one file (`point` is the setting's place in the grid).
    public init(grid designs: [Scenario]) {
        for (p, design) in designs.enumerated() {
            self.designs.append(
                Design(scenario: design, file: 0, point: p, first: count, replications: design.plan.maximum))
            count += design.plan.maximum
        }
    }

    /// The design and replication of task `id` (0 ≤ id < count).
    public func locate(_ id: Int) -> (design: Int, replication: Int) {
        precondition(id >= 0 && id < count, "a task id of the table")
        var lo = 0
        var hi = designs.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if designs[mid].first <= id { lo = mid } else { hi = mid - 1 }
        }
        // Designs with no task share their `first` with the next: take the one that holds `id`.
        while designs[lo].replications == 0 || id >= designs[lo].first + designs[lo].replications { lo += 1 }
        return (lo, id - designs[lo].first)
    }

    /// The ids of shard `index` of `shards`: those ≡ index (mod shards), ascending.
    public func shard(_ index: Int, of shards: Int) -> [Int] {
        precondition(shards >= 1 && index >= 0 && index < shards, "a shard of the split")
        return Array(stride(from: index, to: count, by: shards))
    }

    /// A task list as written on the command line, `3,17-20`: ids and inclusive ranges, in any
    /// order; the ids ascending without repeats, or the reason it is not such a list.
    public static func parseList(_ text: String) -> Result<[Int], ListError> {
        var ids: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            guard bounds[0].allSatisfy(Self.isDigit), let low = Int(bounds[0]) else {
                return .failure(ListError(message: "expected task ids such as 3,17-20, found '\(part)'"))
            }
            var high = low
            if bounds.count == 2 {
                guard bounds[1].allSatisfy(Self.isDigit), let h = Int(bounds[1]), h >= low else {
                    return .failure(ListError(message: "expected a range LOW-HIGH with LOW ≤ HIGH, found '\(part)'"))
                }
                high = h
            }
            guard high - low < 100_000_000, ids.count + (high - low) < 100_000_000 else {
                return .failure(ListError(message: "at most 100,000,000 task ids, found '\(part)'"))
            }
            ids.append(contentsOf: low...high)
        }
        return .success(Array(Set(ids)).sorted())
    }

    static func isDigit(_ c: Character) -> Bool { c >= "0" && c <= "9" }

    /// Why a task list could not be read.
    public struct ListError: Error, Sendable, Equatable {
        public var message: String
    }

    /// Ascending ids as a list `parseList` reads back: runs of consecutive ids as ranges
    /// (`3,17-20`).
    public static func listText(_ ids: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < ids.count {
            var j = i
            while j + 1 < ids.count, ids[j + 1] == ids[j] + 1 { j += 1 }
            parts.append(j == i ? String(ids[i]) : "\(ids[i])-\(ids[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
