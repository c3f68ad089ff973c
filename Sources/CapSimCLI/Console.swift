import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command's text goes. Tests substitute buffers; the executable uses the process's
/// standard output and error.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// True when standard output and standard error are both terminals: progress bars only then.
    /// Output sent to a file or a pipe means a script or a job runs the command, whose logs
    /// should not fill with redraws.
    public var isTerminal: Bool
    /// Environment variables the commands consult (`GITHUB_ACTIONS`, `GITHUB_STEP_SUMMARY`).
    public var environment: [String: String]
    /// Why writing to standard output failed, if it did (a full disk, a closed pipe); checked
    /// when a command ends, which then exits 73 instead of 0.
    public var outputError: @Sendable () -> String? = { nil }

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
        isTerminal: Bool, environment: [String: String] = [:]
    ) {
        self.out = out
        self.err = err
        self.isTerminal = isTerminal
        self.environment = environment
    }

    public static let standard: Console = {
        var c = Console(
            out: { s in if let e = write(1, s) { standardOutputErrno.store(e, ordering: .relaxed) } },
            err: { s in _ = write(2, s) },
            isTerminal: isatty(1) == 1 && isatty(2) == 1,
            environment: ProcessInfo.processInfo.environment)
        c.outputError = {
            let e = standardOutputErrno.load(ordering: .relaxed)
            return e == 0 ? nil : String(cString: strerror(e))
        }
        return c
    }()

    @TaskLocal public static var current: Console = .standard
}

/// The errno of the first failed write to standard output (0: none).
private let standardOutputErrno = Atomic<Int32>(0)

/// Writes all of `text` to a file descriptor (unbuffered, so output and errors interleave in
/// order); returns the errno when it could not.
private func write(_ fd: Int32, _ text: String) -> Int32? {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return n < 0 ? errno : EIO }
        bytes = bytes.dropFirst(n)
    }
    return nil
}
