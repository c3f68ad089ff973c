import Foundation

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
    /// True when standard error is a terminal (progress bars only then).
    public var isTerminal: Bool
    /// Environment variables the commands consult (`GITHUB_ACTIONS`, `GITHUB_STEP_SUMMARY`).
    public var environment: [String: String]

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void,
        isTerminal: Bool, environment: [String: String] = [:]
    ) {
        self.out = out
        self.err = err
        self.isTerminal = isTerminal
        self.environment = environment
    }

    public static let standard = Console(
        out: { s in write(1, s) },
        err: { s in write(2, s) },
        isTerminal: isatty(2) == 1,
        environment: ProcessInfo.processInfo.environment)

    @TaskLocal public static var current: Console = .standard
}

/// Writes all of `text` to a file descriptor (unbuffered, so output and errors interleave in order).
private func write(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        bytes = bytes.dropFirst(n)
    }
}
