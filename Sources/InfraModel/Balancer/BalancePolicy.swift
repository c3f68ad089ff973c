/// How a station spreads requests over its instances: its `balance:` policy. The raw values are
/// the YAML spellings (the `balance:` key of the README's scenario reference); the choice itself
/// is made by `Balancer`.
///
/// "In flight" at an instance means its busy workers plus the requests waiting for one
/// (in a synchronous call chain a worker stays busy while its downstream calls run).
public enum BalancePolicy: String, Sendable, Equatable, CaseIterable {
    /// Instances in turn, 0, 1, …, n − 1, 0, … (one counter per station).
    case roundRobin = "round_robin"
    /// A uniform random instance, drawn from the station's routing stream seated at the
    /// request and hop (so the draw belongs to the request: common random numbers).
    case random = "random"
    /// The instance with the fewest requests in flight. Ties go round robin: the scan starts just
    /// after the instance picked last time, and the first instance with the fewest wins — so an
    /// idle pool is visited in turn instead of herding onto instance 0. O(instances) per request
    /// (a scan of the pool, stopping early at an instance with nothing in flight): fine for tens
    /// of instances, the size of real pools behind one balancer.
    case leastOutstanding = "least_outstanding"
    /// Two distinct random instances (the first is the one `random` would pick, from the same
    /// seated stream), and the one with fewer requests in flight wins; a tie goes to the first
    /// drawn. (Mitzenmacher's "power of two choices".)
    case powerOfTwo = "power_of_two"
    /// Smooth weighted round robin (nginx's algorithm): every pick adds each instance's weight to
    /// its current weight, picks the largest current weight (ties: the lowest index) and
    /// subtracts the total weight from it. Over every W = Σ weights consecutive picks, instance i
    /// is picked exactly wᵢ times, and the picks interleave (weights [2, 1] give 0, 1, 0, 0, 1, 0,
    /// …, never three 0s in a row). Weights from `StationSpec.weights` (nil: equal weights, which
    /// is plain round robin); O(instances) per request, as in nginx.
    case weightedRoundRobin = "weighted_round_robin"
    /// Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam 2018): the pool's
    /// instances sit on a ring of `vnodes` virtual nodes each, placed by a fixed, seed-independent
    /// hash of (component name, instance, virtual node) — see `HashRing` — and a request goes to
    /// the first instance clockwise from its key's hash (`Request.dataKey`, drawn from its
    /// class's `keys:`), so the same key reaches the same instance while nothing changes, and
    /// adding an instance moves only the keys its points take (≈ 1/(n + 1) of them). With a load
    /// factor c (default 1.25) an instance may hold at most ceil(c · (T + 1) / n) requests in
    /// flight (T: in flight at the n instances believed healthy); a full one passes the request
    /// clockwise to the next instance with room. Instances believed unhealthy are skipped.
    /// O(log(n · vnodes)) per request, plus O(n) to total the load when the first choice is busy.
    case consistentHash = "consistent_hash"
}
