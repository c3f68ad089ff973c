import Foundation

/// Writes output files atomically: to a temporary file in the same folder, then renamed over
/// the destination, so a reader never sees a half-written file and a failed run leaves none.
enum OutputFile {
    /// Writes `text` to `path`, or to standard output when `path` is `-`.
    static func write(_ text: String, to path: String) throws(CLIError) {
        if path == "-" {
            Console.current.out(text)
            return
        }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw CLIError(
                .cannotCreateOutput,
                "\(path): error: cannot create the output file: the folder \(directory.path) does not exist")
        }
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
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
}
