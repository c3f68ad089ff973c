import Foundation

/// How a child `capsim` ended.
public enum ProcessOutcome: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)
    case timedOut(seconds: Double)

    public var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "killed by signal \(signal)"
        case .timedOut(let seconds): "still running after \(seconds) s"
        }
    }
}

/// Runs the `capsim` binary as a child with a time limit and an address-space limit, so a
/// crash, a hang or a runaway allocation in the child is a finding, never the fuzzer's own end.
public struct CapsimProcess {
    public var executable: String
    public var timeLimit: Double
    /// `ulimit -v`, in KiB.
    public var memoryLimitKiB: Int

    public init(executable: String, timeLimit: Double, memoryLimitKiB: Int) {
        self.executable = executable
        self.timeLimit = timeLimit
        self.memoryLimitKiB = memoryLimitKiB
    }

    /// Runs `capsim arguments…`; standard output is discarded, standard error kept in
    /// `errorFile` (a file, not a pipe: a child printing 100,000 diagnostics must not block).
    public func run(_ arguments: [String], errorFile: URL) throws -> ProcessOutcome {
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let errors = try FileHandle(forWritingTo: errorFile)
        defer { try? errors.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v \(memoryLimitKiB); exec \"$0\" \"$@\"", executable] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(timeLimit)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return .timedOut(seconds: timeLimit)
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
            ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
    }
}
