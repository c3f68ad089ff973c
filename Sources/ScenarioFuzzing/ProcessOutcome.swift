import Foundation

/// How a child `capsim` ended.
public enum ProcessOutcome: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)
    /// Still running at the wall-clock limit (blocked, or starved of the CPU).
    case timedOut(seconds: Double)
    /// Stopped at the CPU-time limit (`ulimit -t`): working without end.
    case outOfCPU(seconds: Int)

    public var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signalled(let signal): "killed by signal \(signal)"
        case .timedOut(let seconds): "still running after \(seconds) s"
        case .outOfCPU(let seconds): "still running after \(seconds) s of CPU time"
        }
    }
}

/// Runs the `capsim` binary as a child with time limits and an address-space limit, so a
/// crash, a hang or a runaway allocation in the child is a finding, never the fuzzer's own end.
/// The time limit is CPU time (`ulimit -t`: SIGXCPU at the limit, with the hard limit a second
/// above so that signal, not SIGKILL, ends the child), so a machine busy with other work does
/// not turn a slow input into a hang. A child still running at three times the limit in
/// wall-clock time is stopped there when it is blocked — it has had less than a tenth of a CPU
/// since it started — and otherwise left to the CPU limit, up to thirty times the limit: a
/// working child starved by other work is not a blocked one.
public struct CapsimProcess {
    public var executable: String
    /// CPU seconds (rounded up to whole seconds for `ulimit -t`).
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
        let cpuSeconds = max(1, Int(timeLimit.rounded(.up)))
        process.arguments =
            [
                "-c",
                "ulimit -v \(memoryLimitKiB); ulimit -S -t \(cpuSeconds); ulimit -H -t \(cpuSeconds + 1); exec \"$0\" \"$@\"",
                executable,
            ] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        let cpuBefore = Self.childrenCPUSeconds()
        try process.run()
        let started = Date()
        let wallLimit = 3 * timeLimit
        while process.isRunning {
            let elapsed = Date().timeIntervalSince(started)
            if elapsed >= wallLimit {
                let cpu = Self.cpuSeconds(of: process.processIdentifier)
                // Unreadable because it has just ended: the loop's test sees that.
                if cpu == nil && !process.isRunning { continue }
                let blocked = (cpu ?? 0) < 0.1 * elapsed
                if blocked || elapsed >= 10 * wallLimit {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    return .timedOut(seconds: blocked ? wallLimit : 10 * wallLimit)
                }
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        guard process.terminationReason == .uncaughtSignal else { return .exited(process.terminationStatus) }
        // A child that inherited SIGXCPU ignored (as some test runners leave it) is killed at
        // the hard limit instead: its CPU time tells that SIGKILL from any other.
        let signal = process.terminationStatus
        let used = Self.childrenCPUSeconds() - cpuBefore
        return signal == SIGXCPU || (signal == SIGKILL && used >= Double(cpuSeconds))
            ? .outOfCPU(seconds: cpuSeconds) : .signalled(signal)
    }

    /// CPU seconds (user and system) a running process has used, from `/proc/<pid>/stat`
    /// (fields 14 and 15, in clock ticks); nil when it cannot be read.
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // After the command name (in parentheses, which may hold spaces): field 3 onwards.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds (user and system) of the children this process has waited for.
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
