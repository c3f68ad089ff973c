import SimKernel

/// A recorded arrival trace, replayed by `ArrivalProcess.trace`.
///
/// Two forms: `timestamps` — one arrival per value, at that many nanoseconds after the start
/// (non-decreasing); `counts(bin:)` — value i is the number of arrivals in
/// `[i·bin, (i+1)·bin)`, placed at independent uniform times within the bin (so a bin replays as
/// a Poisson process would, given its count). Arrivals stop after the trace's end.
///
/// The values live in one buffer allocated when the trace is built and never changed, shared
/// by every copy (and every replication): a replication reads them through a plain pointer,
/// so replaying allocates nothing and retains nothing per arrival.
public struct ArrivalTrace: Sendable, Equatable {
    public enum Format: Sendable, Equatable {
        case timestamps
        case counts(bin: SimDuration)
    }

    public let format: Format
    /// The file it was read from (for messages), as the scenario named it.
    public let file: String
    /// FNV-1a 64 of the file's bytes: folded into the scenario hash, so a changed trace
    /// changes the hash even when the scenario text does not.
    public let digest: UInt64
    let storage: TraceStorage

    public init(format: Format, values: [Int64], file: String = "", digest: UInt64 = 0) {
        self.format = format
        self.file = file
        self.digest = digest
        storage = TraceStorage(values)
    }

    /// Number of values (timestamps, or bins).
    public var count: Int { storage.count }
    public subscript(i: Int) -> Int64 { storage.values[i] }
    public var values: [Int64] { Array(UnsafeBufferPointer(start: storage.values, count: storage.count)) }

    /// Total arrivals the trace holds.
    public var arrivals: Int64 {
        switch format {
        case .timestamps: Int64(count)
        case .counts: (0..<count).reduce(0) { $0 + self[$1] }
        }
    }

    /// Seconds the trace covers: up to its last timestamp, or its bins.
    public var span: Double {
        switch format {
        case .timestamps: count == 0 ? 0 : Double(self[count - 1]) * 1e-9
        case .counts(let bin): Double(count) * bin.seconds
        }
    }

    /// Arrivals in `[0, horizon)` (a bin cut by the horizon counts in proportion), per second
    /// of the horizon.
    public func meanRate(over horizon: Double) -> Double {
        guard horizon > 0 else { return 0 }
        switch format {
        case .timestamps:
            let end = horizon * 1e9
            var n = 0
            while n < count && Double(self[n]) < end { n += 1 }
            return Double(n) / horizon
        case .counts(let bin):
            var total = 0.0
            for i in 0..<count {
                let start = Double(i) * bin.seconds
                if start >= horizon { break }
                total += Double(self[i]) * min(1, (horizon - start) / bin.seconds)
            }
            return total / horizon
        }
    }

    /// The highest arrival rate in one bin before the horizon (timestamps: one-second bins).
    public func peakRate(over horizon: Double) -> Double {
        switch format {
        case .timestamps:
            var best = 0
            var second: Int64 = -1
            var inSecond = 0
            for i in 0..<count {
                let t = self[i]
                if Double(t) * 1e-9 >= horizon { break }
                let s = t / 1_000_000_000
                if s != second {
                    second = s
                    inSecond = 0
                }
                inSecond += 1
                best = max(best, inSecond)
            }
            return Double(best)
        case .counts(let bin):
            var best: Int64 = 0
            for i in 0..<count where Double(i) * bin.seconds < horizon { best = max(best, self[i]) }
            return Double(best) / bin.seconds
        }
    }

    public static func == (a: ArrivalTrace, b: ArrivalTrace) -> Bool {
        a.format == b.format && a.count == b.count
            && (a.storage === b.storage || (0..<a.count).allSatisfy { a[$0] == b[$0] })
    }
}

/// The immutable buffer behind a trace. Written once in `init`, read-only afterwards, freed
/// with the last trace that refers to it: safe to share across threads.
final class TraceStorage: @unchecked Sendable {
    let values: UnsafeMutablePointer<Int64>
    let count: Int

    init(_ v: [Int64]) {
        count = v.count
        values = .allocate(capacity: max(1, v.count))
        values.initialize(from: v, count: v.count)
    }

    deinit { values.deallocate() }
}
