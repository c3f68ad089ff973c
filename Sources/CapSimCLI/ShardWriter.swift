import Foundation
import Reporting
import SimStats

#if canImport(Glibc)
import Glibc
#endif

/// Writes a shard file as its replications finish (records go to disk as they come, so a shard
/// of thousands of replications holds one at a time), into a temporary file in the folder that
/// is renamed into place only once complete: an interrupted or failed shard leaves no file, and
/// a merge never sees half of one. Records arrive from the threads running replications, in
/// task order, through `Experiment.run(inOrder:)`.
final class ShardWriter: Sendable {
    let path: String
    private let temporary: String
    private let state: Guarded<(fd: Int32, checksum: FNV1a64, records: Int, bytes: Int, error: String?)>

    /// Creates the temporary file and writes the manifest (exit 73 when the folder cannot be
    /// written).
    init(directory: String, name: String, manifest: ShardManifest) throws(CLIError) {
        path = (directory as NSString).appendingPathComponent(name)
        temporary = (directory as NSString).appendingPathComponent(
            ".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CLIError(
                .cannotCreateOutput, "\(path): error: cannot create the shard file: \(String(cString: strerror(errno)))"
            )
        }
        InterruptedWrite.begin(temporary)
        state = Guarded((fd, FNV1a64(), 0, 0, nil))
        write(ShardFile.header(manifest))
        if let error = state.withLock({ $0.error }) {
            abandon()
            throw CLIError(.cannotCreateOutput, "\(path): error: cannot write the shard file: \(error)")
        }
    }

    /// Appends a task's record (after a write error, nothing: `finish` reports it).
    func append(task: Int, _ result: ReplicationResult) {
        write(ShardFile.record(task: task, result))
        state.withLock { $0.records += 1 }
    }

    private func write(_ bytes: [UInt8]) {
        state.withLock { s in
            guard s.error == nil else { return }
            s.checksum.update(bytes)
            var rest = bytes[...]
            while !rest.isEmpty {
                let n = rest.withUnsafeBytes { Glibc.write(s.fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    s.error = String(cString: strerror(n < 0 ? errno : EIO))
                    return
                }
                rest = rest.dropFirst(n)
            }
            s.bytes += bytes.count
        }
    }

    /// Ends the file (end marker, record count, checksum), flushes it to disk and renames it
    /// into place; returns its size in bytes.
    func finish() throws(CLIError) -> Int {
        let records = state.withLock { $0.records }
        write(ShardFile.trailer(records: records))
        let sum = state.withLock { $0.checksum.value }
        write(ShardFile.checksum(sum))
        let (fd, error, size) = state.withLock { ($0.fd, $0.error, $0.bytes) }
        // On a cluster's shared file system the merge may run on another machine: the data
        // must be on disk before the name appears.
        let synced = fsync(fd) == 0 ? nil : String(cString: strerror(errno))
        close(fd)
        defer { InterruptedWrite.end() }
        if let problem = error ?? synced {
            unlink(temporary)
            throw CLIError(.cannotCreateOutput, "\(path): error: cannot write the shard file: \(problem)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CLIError(.cannotCreateOutput, "\(path): error: cannot create the shard file: \(reason)")
        }
        return size
    }

    /// Removes the temporary file (an interrupted shard writes nothing).
    func abandon() {
        let fd = state.withLock { $0.fd }
        close(fd)
        unlink(temporary)
        InterruptedWrite.end()
    }
}
