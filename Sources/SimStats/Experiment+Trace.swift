import InfraModel
import SimRandom

extension Experiment {
    /// Runs replication `replication` of `spec` again with a `RequestTracer` as its sink. Its
    /// requests are the ones the statistics saw for that replication (same seed, same streams),
    /// so a traced request is one the reported percentiles counted.
    public static func trace(
        _ spec: ModelSpec, seed: UInt64, replication: Int, sample: Double, limit: Int
    ) -> RequestTrace {
        var spec = spec
        spec.progress = nil
        var simulation = Simulation<FullModel>(spec: spec, streams: StreamStore(seed: seed), replication: replication)
        var tracer = RequestTracer(replication: replication, sample: sample, limit: limit)
        let outcome = simulation.run(into: &tracer)
        return tracer.finish(outcome)
    }
}
