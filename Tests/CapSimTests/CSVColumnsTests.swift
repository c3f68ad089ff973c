import CapSimTestSupport
import Testing

/// The summary CSV over designs with different components: the header is the union of their
/// columns in order of first appearance, and a design's row leaves the columns it lacks empty.
@Suite("Summary CSV columns")
struct CSVColumnsTests {
    @Test("two scenarios of different shapes share one header, the union of their columns")
    func unionOfColumns() {
        let short = ["--set", "horizon=5s", "--set", "warmup=1s", "--replications", "2"]
        let both = capsim(["run", scenarioPath("mm1.yaml"), scenarioPath("tandem.yaml"), "--csv", "-", "-q"] + short)
        let mm1 = capsim(["run", scenarioPath("mm1.yaml"), "--csv", "-", "-q"] + short)
        let tandem = capsim(["run", scenarioPath("tandem.yaml"), "--csv", "-", "-q"] + short)
        #expect(both.status == 0 && mm1.status == 0 && tandem.status == 0, "\(both.err)")
        let lines = both.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let mm1Lines = mm1.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let tandemLines = tandem.out.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        guard lines.count == 3, mm1Lines.count == 2, tandemLines.count == 2 else {
            Issue.record("expected a header and a row per design: \(both.out.prefix(300))")
            return
        }
        let header = lines[0].map(String.init)
        // mm1's columns first, in its own order; then tandem's that mm1 lacks, in theirs.
        let mm1Header = mm1Lines[0].map(String.init)
        let tandemOnly = tandemLines[0].map(String.init).filter { !mm1Header.contains($0) }
        #expect(header == mm1Header + tandemOnly)
        #expect(!tandemOnly.isEmpty)
        #expect(lines.allSatisfy { $0.count == header.count })
        // Each row holds what the design's own run gives, empty where it has no such column.
        for (row, own) in [(lines[1], mm1Lines), (lines[2], tandemLines)] {
            let ownHeader = own[0].map(String.init)
            for (k, name) in header.enumerated() {
                let expected = ownHeader.firstIndex(of: name).map { String(own[1][$0]) } ?? ""
                #expect(String(row[k]) == expected, "\(name)")
            }
        }
    }
}
