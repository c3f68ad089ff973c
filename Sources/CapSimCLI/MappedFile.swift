import Reporting
import ScenarioLanguage

#if canImport(Glibc)
import Glibc
#endif

/// Shard files for `capsim merge`, mapped into memory read-only: a merge of many large shards
/// holds pages the kernel can drop, not copies. A file that is not a regular file (a pipe) is
/// read whole instead.
enum MappedFile {
    static func open(_ path: String) throws(CLIError) -> ShardBytes {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable(path, String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            switch InputFile.read(path, limit: InputFile.dataLimit) {
            case .success(let data): return ShardBytes(name: path, copying: Array(data))
            case .failure(let f): throw unreadable(path, f.description)
            }
        }
        let size = Int(info.st_size)
        guard size > 0 else { return ShardBytes(name: path, copying: []) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw unreadable(path, String(cString: strerror(errno)))
        }
        // The address as a number, so the release closure captures nothing unsafe.
        let address = Int(bitPattern: p)
        return ShardBytes(name: path, bytes: UnsafeRawBufferPointer(start: p, count: size)) {
            munmap(UnsafeMutableRawPointer(bitPattern: address), size)
        }
    }

    static func unreadable(_ path: String, _ reason: String) -> CLIError {
        CLIError(.inputMissing, "\(path): error: cannot read the shard file: \(reason)")
    }
}
