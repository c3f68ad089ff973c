import SimKernel
import SimRandom

/// A request in flight — or one strand of it. Lives in `RequestSlab` and is addressed by its
/// index there. A trivial (bitwise-copyable) struct: the slab moves it with memcpy when it grows.
///
/// A request is one strand of control walking its class's call tree: at one station at a time,
/// with a stack of call frames for the stations it holds above. A parallel fan-out gives each
/// branch a strand of its own (a child: `parent` ≥ 0) while the caller's strand waits for
/// `pending` children. Only a root strand (`parent` < 0) is a request of the statistics.
struct Request: SlabElement {
    /// Arrival at the system.
    var arrival: SimTime
    /// Arrival at the current station.
    var hopArrival: SimTime
    /// Start of service at the current station.
    var serviceStart: SimTime
    /// Serial number of the request in its replication (0, 1, 2, …): the `entity` of its random
    /// draws, so its demands do not depend on the design (common random numbers).
    var serial: UInt64
    var classIndex: Int32
    /// The call-tree node the strand is at (for a chain: the position in the path).
    var hop: Int32
    /// Instance (global index over all stations) currently holding the request.
    var instance: Int32
    /// Where the strand is in its life (`free` once its slot is given back); see `Phase`.
    private(set) var phase: Phase
    /// Whether anyone still waits for the strand's answer; see `Audience`.
    private(set) var audience: Audience = .caller
    /// What the strand is to the request; see `Role`.
    var role: Role = .root
    /// For a strand of a class DNS routes: the region DNS sent its request to (whose entry is
    /// the station of its root node); −1 otherwise.
    var servingRegion: Int32 = -1
    /// For a strand of a pipeline class: the region of the last node of a database with nodes in
    /// several regions it was served at (the region its next calls come from while it meets no
    /// station with a region of its own); −1 before any. A call tree reads it from its call
    /// frames instead (`Simulation.databaseNodeRegion`).
    var databaseNodeRegion: Int32 = -1
    /// For an attempt of a class with a client policy: its client's slab index; −1 otherwise
    /// (the request is its own client).
    var client: Int32 = -1
    /// Distinguishes this attempt from later ones in the same slot (for stale timers).
    var stamp: UInt32 = 0
    /// While waiting in the line of a pool with a queue timeout: the stamp of this visit's
    /// timeout event; 0 otherwise (set back to 0 when service starts).
    var lineStamp: UInt32 = 0
    /// Attempt number (0 = first), so retries draw their own routing and demands.
    var attempt: Int32 = 0
    /// Repetition of the current visit (0 = the first call of a repeated call).
    var rep: Int32 = 0
    /// Identity of the current visit among the request's visits to the same node (see
    /// `Simulation.visitKey`); 0 for every first visit below first visits, so a chain's draws
    /// are seated as they always were.
    var key: UInt32 = 0
    /// Call frames held (stations above the current one, in this strand).
    var depth: Int32 = 0
    /// For a child strand: the strand that fanned out to it, that strand's stamp when it did
    /// (a changed stamp means the parent has ended: this strand is detached), and the visit key
    /// of the caller (for the key of a repeated branch). −1 for a root.
    var parent: Int32 = -1
    var parentStamp: UInt32 = 0
    var baseKey: UInt32 = 0
    /// The root strand of the request (itself for a root): where hop times are added up.
    var root: Int32 = -1
    /// Child strands this strand waits for (a parallel step in progress).
    var pending: Int32 = 0
    /// For a watched call: which try of the call it is (0 = first).
    var callAttempt: Int32 = 0
    /// For a child strand: the node it was sent to (where a retry of a watched call goes).
    var baseNode: Int32 = 0
    /// The data key the request touches (a rank ≥ 1 from its class's `keys:`; 0 = none), drawn
    /// once at arrival and shared by its retries and branch strands.
    var dataKey: UInt64 = 0

    @inline(__always)
    init(arrival: SimTime, serial: UInt64, classIndex: Int32) {
        self.arrival = arrival
        self.hopArrival = arrival
        self.serviceStart = arrival
        self.serial = serial
        self.classIndex = classIndex
        self.hop = 0
        self.instance = -1
        self.phase = .working
    }

    /// A strand's life. Transitions (asserted in debug builds): `working → stalled`,
    /// `working → ended`, and any of them `→ free` when the slot is given back.
    enum Phase: UInt8 {
        /// The slot is not in use (on the slab's free list).
        case free
        /// Walking its class's call tree: queued, in service, or holding workers while it calls.
        case working
        /// Stuck at a hung instance (its service ended, or its callee returned, while the instance
        /// was hung): it waits for the restart, which fails it.
        case stalled
        /// The request it belongs to has already ended (a crash took an instance it held): the
        /// strand only finishes the service or queue place it has, for nobody, and then vanishes.
        /// Its slot is kept until then, because an event or a waiting line still refers to it.
        case ended
    }

    /// Who waits for the strand's answer. Only `caller → nobody`, once.
    enum Audience: UInt8 {
        /// Its client (a root attempt) or its caller strand (a branch) waits for it.
        case caller
        /// Given up on: a root attempt whose client timed out or stopped (orphaned), or a watched
        /// call whose caller timed out (detached). It still holds whatever it holds and finishes
        /// its work for nobody (wasted work, how retry storms feed themselves), telling no one.
        case nobody
    }

    /// What a strand is to its request. Fixed when the strand is made.
    enum Role: UInt8 {
        /// The request itself (or an attempt of its client): `parent` < 0.
        case root
        /// A branch of a parallel step: its caller waits for it with its other branches.
        case branch
        /// A watched call (its node has a timeout or retries, see `CallNode.isGuarded`): its
        /// caller may give up on it and send it again.
        case watchedCall
    }

    var isLive: Bool { phase != .free }

    /// Seats `stream` for this strand's draws at its current visit: the entity is the request
    /// serial with the call-tree node (the hop position of a chain) in bits 40–47, and each
    /// attempt (bits 16–31) and visit key (bits 32–47: repeated visits of a call tree) has a block
    /// range of its own, so a retry draws a fresh demand and routing rather than repeating the
    /// attempt that failed, and no draw depends on the design (common random numbers).
    @inline(__always)
    func seat(_ stream: RandomStream, replication: UInt32) {
        let attempt = UInt64(UInt32(bitPattern: attempt) & 0xFFFF)
        stream.seat(
            replication: replication, entity: serial | UInt64(UInt32(bitPattern: hop)) << 40,
            block: UInt64(key) << 32 | attempt << 16)
    }

    /// The strand stops at a hung instance.
    @inline(__always)
    mutating func stall() {
        assert(phase == .working, "only a working strand stalls (was \(phase))")
        phase = .stalled
    }

    /// The request the strand belongs to has ended; the strand finishes for nobody.
    @inline(__always)
    mutating func endRequest() {
        assert(phase == .working, "only a working strand has an event or a line to finish for nobody (was \(phase))")
        phase = .ended
    }

    /// Nobody waits for the strand any more.
    @inline(__always)
    mutating func abandon() {
        assert(phase != .free && audience == .caller, "only a live strand someone waits for is given up on")
        audience = .nobody
    }

    /// The slab takes the slot back.
    @inline(__always)
    mutating func markFree() {
        assert(phase != .free, "slab slot freed twice")
        phase = .free
    }
}
