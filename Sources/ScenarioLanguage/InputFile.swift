import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file the user names — a scenario, a base of `extends:`, a trace, a samples file — read
/// with a size limit and a reason for every failure: whole (`read`), or a line at a time
/// (`forEachLine`, for traces and samples, which are parsed as they are read).
///
/// Regular files, pipes (`<(…)`), FIFOs and character devices are read the same way, by
/// `read(2)` until the end, so a device that never ends (`/dev/zero`) stops at the limit
/// instead of filling memory; a FIFO blocks until a writer opens it, as `cat` does.
public enum InputFile {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missing
        case directory
        case permissionDenied
        /// More than `limit` bytes (a huge file, or a device or pipe that does not end).
        case tooLarge(limit: Int)
        /// Any other error of the system, with its message.
        case system(String)

        /// The reason, completing "cannot read the … file: ".
        public var description: String {
            switch self {
            case .missing: "no such file"
            case .directory: "it is a directory"
            case .permissionDenied: "permission denied"
            case .tooLarge(let limit): "it has more than \(limit >> 20) MiB, the most capsim reads for this file"
            case .system(let message): message
            }
        }
    }

    /// The most a scenario file (or a base it extends) may hold: hand-written text.
    public static let scenarioLimit = 16 << 20
    /// The most a trace or samples file may hold.
    public static let dataLimit = 1 << 30

    /// The file's bytes, or why they cannot be had.
    public static func read(_ path: String, limit: Int) -> Result<Data, Failure> {
        var data = Data()
        return forEachChunk(path, limit: limit) {
            data.append(contentsOf: $0)
            return true
        }.map { data }
    }

    /// Hands the file's bytes to `body` a chunk at a time (at most 64 KiB each, in order) until
    /// it returns false, so a reader that parses as it goes never holds the whole file. Fails as
    /// `read` does, including past `limit` bytes.
    static func forEachChunk(
        _ path: String, limit: Int, _ body: (UnsafeRawBufferPointer) -> Bool
    ) -> Result<Void, Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(failure(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(failure(errno)) }
        if info.st_mode & S_IFMT == S_IFDIR { return .failure(.directory) }
        if info.st_mode & S_IFMT == S_IFREG, info.st_size > limit { return .failure(.tooLarge(limit: limit)) }
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress, chunk) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(failure(errno))
            }
            total += n
            if total > limit { return .failure(.tooLarge(limit: limit)) }
            guard buffer.withUnsafeBytes({ body(UnsafeRawBufferPointer(rebasing: $0[..<n])) }) else { break }
        }
        return .success(())
    }

    static func failure(_ code: Int32) -> Failure {
        switch code {
        case ENOENT, ENOTDIR: .missing
        case EISDIR: .directory
        case EACCES, EPERM: .permissionDenied
        default: .system(String(cString: strerror(code)))
        }
    }
}

/// `read(2)`, outside `InputFile` whose own `read` would shadow it.
private func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
