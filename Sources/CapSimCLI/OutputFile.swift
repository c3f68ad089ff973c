import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes output files atomically: to a temporary file in the same folder, then renamed over
/// the destination, so a reader never sees a half-written file and a failed run leaves none.
/// A destination that exists and is not a regular file — a character device such as
/// `/dev/null` or `/dev/stdout`, or a named pipe — is written in place instead (renaming over
/// it would replace the device with a file); a folder is refused.
enum OutputFile {
    /// Writes `text` to `path`, or to standard output when `path` is `-`.
    static func write(_ text: String, to path: String) throws(CLIError) {
        if path == "-" {
            Console.current.out(text)
            return
        }
        try check(path)
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG {
            try writeInPlace(text, to: path)
            return
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        InterruptedWrite.begin(temporary.path)
        defer { InterruptedWrite.end() }
        do {
            try Data(text.utf8).write(to: temporary)
            // rename(2) replaces the destination atomically.
            guard rename(temporary.path, url.path) == 0 else {
                throw CLIError(
                    .cannotCreateOutput,
                    "\(path): error: cannot create the output file: \(String(cString: strerror(errno)))")
            }
        } catch let e as CLIError {
            try? FileManager.default.removeItem(at: temporary)
            throw e
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError(
                .cannotCreateOutput, "\(path): error: cannot create the output file: \(error.localizedDescription)")
        }
    }

    /// Refuses a path that cannot be written: its folder missing, or a folder itself. Commands
    /// call it for every output path before simulating, so a typo costs no run.
    static func check(_ path: String) throws(CLIError) {
        guard path != "-" else { return }
        var status = stat()
        if stat(path, &status) == 0 {
            if (status.st_mode & S_IFMT) == S_IFDIR {
                throw CLIError(.cannotCreateOutput, "\(path): error: cannot create the output file: it is a folder")
            }
            return
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw CLIError(
                .cannotCreateOutput,
                "\(path): error: cannot create the output file: the folder \(directory.path) does not exist")
        }
    }

    /// Writes all of `text` to an existing special file (device or pipe), reporting any failure
    /// (`/dev/full`: no space left on device).
    private static func writeInPlace(_ text: String, to path: String) throws(CLIError) {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else {
            throw CLIError(
                .cannotCreateOutput, "\(path): error: cannot write the output: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw CLIError(
                    .cannotCreateOutput, "\(path): error: cannot write the output: \(String(cString: strerror(errno)))")
            }
            bytes = bytes.dropFirst(n)
        }
    }
}

/// The temporary file being written, if any, so that SIGINT or SIGTERM removes it before the
/// process exits (`CapSimCommand.installSignalHandlers`): an interrupt never leaves a
/// `.name.tmp-PID` behind. The path lives in a C buffer the handler reads with unlink(2), which
/// is async-signal-safe; only the main thread writes outputs.
enum InterruptedWrite {
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?

    static func begin(_ temporary: String) { path = strdup(temporary) }

    static func end() {
        let p = path
        path = nil
        free(p)
    }

    /// Called from the signal handler only.
    static func removeTemporary() {
        if let p = path { unlink(p) }
    }
}
