import Dispatch
import InfraModel
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `--max-memory`: a watchdog that samples the process's resident memory every
/// `samplingInterval` and, the first time it is above the budget, asks the replications to stop
/// (`StopRequest.requestForMemoryBudget`). They stop as on SIGINT — finished replications are
/// reported as partial results, every output is written — and the command then fails naming the
/// budget (`Interruption.error(after:)`). Nothing in the event loop changes: the watchdog runs on
/// its own thread, and the loop already looks at the stop request every
/// `Simulation.stopCheckInterval` events.
// @unchecked: its one mutable part is the dispatch timer, whose methods are thread-safe.
final class MemoryBudget: @unchecked Sendable {
    /// The budget, in bytes.
    let limit: Int
    /// The resident size seen when the budget was passed (0 until then), and the budget then
    /// in force, in bytes: for the message the command ends with.
    private static let seen = Atomic<Int>(0)
    private static let seenLimit = Atomic<Int>(0)
    private static let samplingInterval = DispatchTimeInterval.milliseconds(10)
    private let timer: DispatchSourceTimer

    /// Starts watching. Fails when the resident size cannot be read on this system, or when the
    /// process already holds more than `limit` (the budget could not be kept by stopping the
    /// simulation).
    init(limit: Int, stopping request: StopRequest) throws(CLIError) {
        guard let now = Self.residentBytes() else {
            throw CLIError(
                .usage, "--max-memory needs the resident size from /proc/self/statm, which this system does not have")
        }
        guard now < limit else {
            throw CLIError(
                .usage,
                "--max-memory \(Self.describe(limit)) is below what capsim already holds before simulating (\(Self.describe(now)))"
            )
        }
        self.limit = limit
        let source = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        source.schedule(deadline: .now() + Self.samplingInterval, repeating: Self.samplingInterval)
        source.setEventHandler { [limit] in
            guard let bytes = Self.residentBytes(), bytes > limit, !request.isRequested else { return }
            Self.seen.store(bytes, ordering: .relaxed)
            Self.seenLimit.store(limit, ordering: .relaxed)
            request.requestForMemoryBudget()
        }
        timer = source
        source.resume()
    }

    /// Stops watching (the budget no longer applies).
    func stop() {
        timer.cancel()
    }

    /// The budget passed and the resident size that passed it, in bytes, or nil if none was.
    static var exceeded: (limit: Int, resident: Int)? {
        let s = seen.load(ordering: .relaxed)
        return s == 0 ? nil : (seenLimit.load(ordering: .relaxed), s)
    }

    /// The process's resident set size in bytes, from `/proc/self/statm` (its second field, in
    /// pages), or nil where that file cannot be read.
    static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let fields = buffer[..<n].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A size for people: `512 MiB`, `1.5 GiB`.
    static func describe(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var k = 0
        while value >= 1024, k < units.count - 1 {
            value /= 1024
            k += 1
        }
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return "\(text) \(units[k])"
    }
}
