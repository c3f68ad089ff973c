import InfraModel
import SimKernel

/// `concurrency_limit:` on a server pool (or a cache, a CDN, an inspection stage): a fixed
/// number of requests in flight per instance, or an adaptive (AIMD) limit (see
/// `ConcurrencyLimitSpec`).
///
/// ```yaml
/// concurrency_limit: 64
/// concurrency_limit: {latency: 100ms, initial: 20, min: 4, max: 400, backoff: 0.9}
/// ```
extension ScenarioDecoder {
    static let concurrencyLimitKeys = ["latency", "initial", "min", "max", "backoff"]

    mutating func decodeConcurrencyLimit(_ node: ScenarioNode, _ path: String) -> ConcurrencyLimitSpec? {
        if node.scalarText != nil {
            return reader.integer(node, path, min: 1, max: 1_000_000_000).map { ConcurrencyLimitSpec(fixed: $0) }
        }
        guard let f = reader.fields(node, path, allowed: Self.concurrencyLimitKeys, required: ["latency"]) else {
            return nil
        }
        let latency = f["latency"].flatMap { reader.duration($0, f.path("latency"), positive: true) }
        let initial = f["initial"].map { reader.integer($0, f.path("initial"), min: 1, max: 1_000_000_000) } ?? 20
        let min = f["min"].map { reader.integer($0, f.path("min"), min: 1, max: 1_000_000_000) } ?? 1
        let max = f["max"].map { reader.integer($0, f.path("max"), min: 1, max: 1_000_000_000) } ?? 1000
        let backoff = f["backoff"].map { reader.number($0, f.path("backoff"), minimum: 0) } ?? 0.9
        guard let latency, let initial, let min, let max, let backoff else { return nil }
        guard backoff > 0 && backoff < 1 else {
            reader.fail(
                f["backoff"] ?? node, f.path("backoff"),
                "expected a factor between 0 and 1 (exclusive), found \(format(backoff))")
            return nil
        }
        guard min <= initial && initial <= max else {
            reader.fail(
                node, path, "expected min ≤ initial ≤ max, found min \(min), initial \(initial), max \(max)")
            return nil
        }
        return ConcurrencyLimitSpec(initial: initial, min: min, max: max, latency: latency, backoff: backoff)
    }
}
