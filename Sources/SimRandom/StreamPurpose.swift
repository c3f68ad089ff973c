/// What a random stream is used for. Part of the stream's ``StreamKey``, so each purpose of each
/// component draws from its own stream.
///
/// The raw values are hashed into keys: renaming one changes every result drawn from it.
public enum StreamPurpose: String, Sendable, CaseIterable {
    case arrivals, service, failures, routing, keys, classes, workload, replication, cache, patience, tls, inspection,
        tlsRoundTrip, deploy, backup, think
}
