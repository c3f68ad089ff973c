/// Damages scenario text the way hands and tools do: a line deleted, duplicated or cut short,
/// a number or a unit changed to a hostile one, two values swapped, lines spliced in from
/// another scenario, a stray character. Deterministic: the same texts and seed give the same
/// mutant, so a failure found by `capsim-fuzz` can be replayed from its seed.
public struct ScenarioMutator {
    /// The scenarios mutants are made from (their text), each with a name for reports.
    public let sources: [(name: String, text: String)]

    public init(sources: [(name: String, text: String)]) {
        precondition(!sources.isEmpty, "ScenarioMutator needs at least one scenario")
        self.sources = sources
    }

    /// Numbers a field may be given that once trapped, hung or overflowed somewhere.
    static let hostileNumbers = [
        "0", "-1", "1", "0.5", "1e308", "1e-30", "9223372036854775807", "9223372036854775808", "2147483648",
        "4294967297", "1e9", "1e12", "-0", ".nan", ".inf", "1_000_000", "0x10", "1e-320", "18446744073709551615",
        "100000000", "3.999999999999999", "",
    ]
    /// Units and suffixes a number may be given.
    static let hostileUnits = [
        "", "ns", "us", "ms", "s", "m", "h", "d", "x", "%", "/s", "/h", "k", "M", "G", "KB", "GB", "/ns", "y",
    ]
    /// Characters a stray keystroke or a broken tool puts into a file.
    static let strayCharacters: [Character] = [
        "{", "}", "[", "]", ":", "-", "#", "&", "*", "!", "|", ">", "'", "\"", "\t", " ", "\u{0}", "\u{7}", "é", "<",
    ]

    /// A mutant of a random source: one to three damages, chosen by `random`.
    public func mutant(_ random: inout FuzzRandom) -> (source: String, text: String) {
        let k = random.below(sources.count)
        var lines = sources[k].text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0...random.below(3) { damage(&lines, &random) }
        return (sources[k].name, lines.joined(separator: "\n"))
    }

    func damage(_ lines: inout [String], _ random: inout FuzzRandom) {
        guard !lines.isEmpty else {
            lines = [String(Self.strayCharacters[random.below(Self.strayCharacters.count)])]
            return
        }
        let i = random.below(lines.count)
        switch random.below(9) {
        case 0: lines.remove(at: i)
        case 1: lines.insert(lines[i], at: i)
        case 2: lines[i] = replacingNumber(in: lines[i], &random)
        case 3: lines[i] = replacingNumber(in: lines[i], &random)
        case 4:
            // Two values exchanged between keys (`workers: 8` ↔ `horizon: 5m`).
            let j = random.below(lines.count)
            if let a = lines[i].firstIndex(of: ":"), let b = lines[j].firstIndex(of: ":") {
                let (ka, va) = (lines[i][...a], lines[i][lines[i].index(after: a)...])
                let (kb, vb) = (lines[j][...b], lines[j][lines[j].index(after: b)...])
                lines[i] = String(ka + vb)
                lines[j] = String(kb + va)
            }
        case 5:
            // A few lines of another scenario spliced in at the same indentation.
            let other = sources[random.below(sources.count)].text.split(separator: "\n").map(String.init)
            guard !other.isEmpty else { return }
            let start = random.below(other.count)
            let block = other[start..<min(other.count, start + 1 + random.below(4))]
            lines.insert(contentsOf: block, at: i)
        case 6:
            // Cut short, as by a full disk or an interrupted copy.
            let line = lines[i]
            lines = Array(lines[..<i]) + [String(line.prefix(random.below(line.count + 1)))]
        case 7:
            var line = Array(lines[i])
            let c = Self.strayCharacters[random.below(Self.strayCharacters.count)]
            if line.isEmpty || random.below(2) == 0 {
                line.insert(c, at: random.below(line.count + 1))
            } else {
                line[random.below(line.count)] = c
            }
            lines[i] = String(line)
        default:
            // A key renamed to one a neighbouring line uses (a duplicate or a misplaced key).
            let j = random.below(lines.count)
            if let a = lines[i].firstIndex(of: ":"), let b = lines[j].firstIndex(of: ":") {
                let key = lines[j][..<b].trimmingLeadingSpaces()
                let indent = lines[i].prefix { $0 == " " }
                lines[i] = indent + key + String(lines[i][a...])
            }
        }
    }

    /// The line with one of its numbers (and maybe its unit) replaced by a hostile one.
    func replacingNumber(in line: String, _ random: inout FuzzRandom) -> String {
        let chars = Array(line)
        var numbers: [Range<Int>] = []
        var i = 0
        while i < chars.count {
            if chars[i].isNumber {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "_" {
                    j += 1
                }
                numbers.append(i..<j)
                i = j
            } else {
                i += 1
            }
        }
        guard !numbers.isEmpty else { return line }
        var range = numbers[random.below(numbers.count)]
        if random.below(3) == 0 {
            // The unit after it too.
            var end = range.upperBound
            while end < chars.count, chars[end].isLetter || chars[end] == "/" || chars[end] == "%" { end += 1 }
            range = range.lowerBound..<end
            let replacement =
                Self.hostileNumbers[random.below(Self.hostileNumbers.count)]
                + Self.hostileUnits[random.below(Self.hostileUnits.count)]
            return String(chars[..<range.lowerBound]) + replacement + String(chars[range.upperBound...])
        }
        return String(chars[..<range.lowerBound]) + Self.hostileNumbers[random.below(Self.hostileNumbers.count)]
            + String(chars[range.upperBound...])
    }
}

extension Substring {
    fileprivate func trimmingLeadingSpaces() -> Substring { drop { $0 == " " || $0 == "-" } }
}
