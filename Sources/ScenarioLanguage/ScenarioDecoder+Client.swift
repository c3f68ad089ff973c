import InfraModel
import SimKernel
import SimRandom

extension ScenarioDecoder {
    static let clientKeys = ["timeout", "deadline", "retries"]
    static let retryKeys = ["max", "backoff", "base", "cap", "jitter", "budget"]

    /// `client: {timeout, deadline, retries: {max, backoff, base, cap, jitter, budget}}`:
    /// `.some(policy)`, or nil after reporting problems.
    mutating func decodeClient(_ node: ScenarioNode, _ path: String) -> ClientPolicy?? {
        guard let f = reader.fields(node, path, allowed: Self.clientKeys) else { return nil }
        var ok = true
        // `timeout: 2s`, or a distribution (`timeout: {exponential: {mean: 2s}}`): a patience
        // drawn for every attempt.
        var timeout: SimDuration?? = nil
        var patience: Distribution? = nil
        if let t = f["timeout"] {
            if case .mapping = t {
                patience = decodeDistribution(t, f.path("timeout"))
                if patience == nil { ok = false }
            } else {
                timeout = reader.duration(t, f.path("timeout"), positive: true)
            }
        }
        let deadline = f["deadline"].map { reader.duration($0, f.path("deadline"), positive: true) }
        if timeout == .some(nil) || deadline == .some(nil) { ok = false }
        var retries: RetryPolicy?
        if let r = f["retries"] {
            guard let policy = decodeRetries(r, f.path("retries")) else { return nil }
            retries = policy
        }
        if f.pairs.isEmpty {
            reader.fail(node, path, "expected at least one of \(Self.clientKeys.joined(separator: ", "))")
            ok = false
        }
        guard ok else { return nil }
        return .some(
            ClientPolicy(timeout: timeout ?? nil, patience: patience, deadline: deadline ?? nil, retries: retries))
    }

    /// `retries: {max, backoff, base, cap, jitter, budget}` of a client or of a watched call.
    mutating func decodeRetries(_ r: ScenarioNode, _ path: String) -> RetryPolicy? {
        guard let rf = reader.fields(r, path, allowed: Self.retryKeys, required: ["max"]) else { return nil }
        let max = rf["max"].flatMap { reader.integer($0, rf.path("max"), min: 0, max: 100) }
        // `backoff: exponential`, or a distribution (`backoff: {exponential: {mean: 100ms}}`):
        // a random wait drawn per retry, to which base and jitter do not apply.
        var backoff: RetryPolicy.Backoff? = .exponential
        var randomBackoff: Distribution?
        var random = false
        if let b = rf["backoff"] {
            if case .mapping = b {
                random = true
                randomBackoff = decodeDistribution(b, rf.path("backoff"))
                if randomBackoff == nil { backoff = nil }
                for key in ["base", "jitter"] {
                    if let n = rf[key] {
                        reader.fail(
                            n, rf.path(key),
                            "'\(key)' does not apply to a random backoff (each retry waits a draw of the distribution, at most cap): leave it out"
                        )
                        backoff = nil
                    }
                }
            } else {
                backoff = reader.choice(b, rf.path("backoff"), RetryPolicy.Backoff.self)
            }
        }
        let jitter: RetryPolicy.Jitter? =
            random
            ? RetryPolicy.Jitter.none
            : rf["jitter"].map { reader.choice($0, rf.path("jitter"), RetryPolicy.Jitter.self) } ?? .full
        let base = rf["base"].map { reader.duration($0, rf.path("base")) } ?? .milliseconds(50)
        let cap = rf["cap"].map { reader.duration($0, rf.path("cap"), positive: true) } ?? .seconds(10)
        var budget: Double?? = .some(nil)
        if let b = rf["budget"] {
            budget = threshold(b, rf.path("budget"), unit: .fraction).map { .some($0) }
            if budget == .some(.some(0)) {
                reader.fail(b, rf.path("budget"), "expected a budget > 0 (leave 'budget' out for none)")
                budget = nil
            }
        }
        guard let max, let backoff, let jitter, let base, let cap, let budget else { return nil }
        return RetryPolicy(
            maxRetries: max, backoff: backoff, base: base, cap: cap, jitter: jitter, budget: budget,
            randomBackoff: randomBackoff)
    }
}
