import CapSimTestSupport
import Foundation
import Testing

@testable import CapSimCLI

/// Outputs are never clobbered or silently lost: special files are written in place, write
/// failures exit 73, and bad output paths are refused before any simulation.
@Suite("Output safety")
struct OutputSafetyTests {
    let quick = ["--set", "horizon=2s", "--set", "warmup=0s", "--replications", "2", "-q"]

    @Test("--json /dev/null writes into the device and leaves it a device")
    func deviceInPlace() throws {
        let r = capsim(["run", scenarioPath("mm1.yaml"), "--json", "/dev/null"] + quick)
        #expect(r.status == 0, "\(r.err)")
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
    }

    @Test("a device that refuses the bytes (/dev/full) exits 73 with the reason")
    func fullDevice() {
        let r = capsim(["run", scenarioPath("mm1.yaml"), "--csv", "/dev/full"] + quick)
        #expect(r.status == 73)
        #expect(r.err.contains("/dev/full: error: cannot write the output: No space left on device"), "\(r.err)")
    }

    @Test("a failed write to standard output exits 73, whatever the command")
    func standardOutputFailure() {
        for args in [["schema"], ["validate", scenarioPath("mm1.yaml")], ["run", scenarioPath("mm1.yaml")] + quick] {
            let c = Captured()
            var console = c.console
            console.outputError = { "No space left on device" }
            let status = CapSimCommand.main(arguments: args, console: console)
            #expect(status == 73, "\(args)")
            #expect(c.stderr.contains("capsim: error: cannot write to standard output: No space left on device"))
        }
    }

    @Test("a missing output folder or a folder as the output is refused before simulating")
    func pathsCheckedFirst() {
        // No table on standard output: the path was refused before the run, not after it.
        let missing = capsim(
            ["run", scenarioPath("mm1.yaml"), "--csv", "/nonexistent-capsim/out.csv"] + quick.dropLast())
        #expect(missing.status == 73)
        #expect(missing.out.isEmpty)
        #expect(
            missing.err
                == "/nonexistent-capsim/out.csv: error: cannot create the output file: the folder /nonexistent-capsim does not exist\n"
        )
        let folder = temporaryDirectory().path
        let asFolder = capsim(["check", scenarioPath("slo-gate.yaml"), "--junit", folder])
        #expect(asFolder.status == 73)
        #expect(asFolder.err.contains("\(folder): error: cannot create the output file: it is a folder"))
    }

    @Test("the temporary file being written is what an interrupt removes, and nothing once written")
    func interruptRemovesTemporary() throws {
        let file = temporaryDirectory().appendingPathComponent(".out.csv.tmp-1")
        try Data("partial".utf8).write(to: file)
        InterruptedWrite.begin(file.path)
        InterruptedWrite.removeTemporary()  // what the SIGINT/SIGTERM handler does
        #expect(!FileManager.default.fileExists(atPath: file.path))
        InterruptedWrite.end()
        #expect(InterruptedWrite.path == nil)
        InterruptedWrite.removeTemporary()  // nothing being written: nothing to remove
    }
}
