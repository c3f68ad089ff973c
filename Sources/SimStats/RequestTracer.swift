import InfraModel
import SimKernel

/// The record sink of a traced replication: keeps every failed request and a deterministic
/// sample of the others, each with its visits, up to a limit per kind. Only requests that
/// arrived in the measurement window are traced.
///
/// A visit's record comes before its request's end, so the visits of every request in flight
/// are held until it ends and only then kept or dropped: memory grows with the requests in
/// flight and the trace kept, not with the run. A visit reported after its request ended (an
/// abandoned attempt finishing for nobody) is counted, not traced; `ended` tells them apart (one
/// bit per serial, serials being dense from 0).
public struct RequestTracer: RecordSink, ~Copyable {
    public private(set) var trace: RequestTrace
    /// Serials below it are sampled when their hash is (see `isSampled`).
    let threshold: UInt64
    let sampleAll: Bool
    var inFlight: [UInt64: [HopRecord]] = [:]
    var ended: [UInt64] = []
    var keptSampled = 0
    var keptFailed = 0

    /// `sample`: the share of successful requests to keep, in [0, 1]; `limit` ≥ 0.
    public init(replication: Int, sample: Double, limit: Int) {
        precondition(sample >= 0 && sample <= 1 && limit >= 0, "sample in [0, 1] and a limit ≥ 0")
        trace = RequestTrace(replication: replication, sample: sample, limit: limit)
        sampleAll = sample >= 1
        threshold = sample >= 1 ? .max : UInt64(sample * 0x1p64)
    }

    /// Whether the request with this serial is in the sample: a hash of the serial below the
    /// sample's share of 2^64. It depends on the serial alone, so the same requests are sampled
    /// in every design of a comparison (whose requests are the same: common random numbers).
    public static func isSampled(serial: UInt64, threshold: UInt64) -> Bool {
        // splitmix64's finaliser: a bijection that spreads consecutive serials evenly.
        var z = serial &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31) < threshold
    }

    func hasEnded(_ serial: UInt64) -> Bool {
        let word = Int(serial >> 6)
        return word < ended.count && ended[word] & (1 << (serial & 63)) != 0
    }

    mutating func markEnded(_ serial: UInt64) {
        let word = Int(serial >> 6)
        if word >= ended.count { ended += Array(repeating: 0, count: word + 1 - ended.count) }
        ended[word] |= 1 << (serial & 63)
    }

    public mutating func hopEnded(_ h: HopRecord) {
        guard h.measured else { return }
        if hasEnded(h.serial) {
            trace.visitsAfterEnd += 1
            return
        }
        inFlight[h.serial, default: []].append(h)
    }

    public mutating func requestEnded(_ r: RequestRecord) {
        guard r.measured else { return }
        markEnded(r.serial)
        let visits = inFlight.removeValue(forKey: r.serial) ?? []
        let failed = r.outcome != .success
        if failed {
            guard keptFailed < trace.limit else {
                trace.leftOutFailed += 1
                return
            }
            keptFailed += 1
        } else {
            guard sampleAll || Self.isSampled(serial: r.serial, threshold: threshold) else { return }
            guard keptSampled < trace.limit else {
                trace.leftOutSampled += 1
                return
            }
            keptSampled += 1
        }
        trace.requests.append(
            TracedRequest(
                serial: r.serial, classIndex: r.classIndex, arrival: r.arrival, end: r.end, outcome: r.outcome,
                attempts: r.attempts, blame: r.blame, blameZone: r.blameZone, visits: visits))
    }

    public mutating func windowOpened(_ counters: ModelCounters) {}
    public mutating func windowClosed(_ counters: ModelCounters) {}

    /// The trace, with how the replication ended.
    public consuming func finish(_ outcome: RunOutcome) -> RequestTrace {
        var t = trace
        t.outcome = outcome
        return t
    }
}
