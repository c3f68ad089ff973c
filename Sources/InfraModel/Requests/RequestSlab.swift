import SimKernel

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
    var live: Bool
    /// For an attempt of a class with a client policy: its client's slab index; −1 otherwise
    /// (the request is its own client).
    var client: Int32 = -1
    /// Distinguishes this attempt from later ones in the same slot (for stale timers).
    var stamp: UInt32 = 0
    /// Attempt number (0 = first), so retries draw their own routing and demands.
    var attempt: Int32 = 0
    /// The client gave up on this attempt; it still holds whatever server it is at.
    var orphaned = false
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
    /// The request has already ended (its caller's instance crashed): this strand only finishes
    /// the service or queue place it has, for nobody, and then vanishes (its slot is kept until
    /// then, because an event or a waiting line still refers to it).
    var zombie = false
    /// Stuck at a hung instance (its service ended, or its callee returned, while the instance
    /// was hung): it waits for the restart, which fails it.
    var stalled = false
    /// A watched call (its node has a timeout or retries): its caller gave up on it (timed out),
    /// so it finishes for nobody and tells no one; and which try of the call it is (0 = first).
    var detached = false
    /// This strand is a watched call (see `CallNode.isGuarded`).
    var guarded = false
    var callAttempt: Int32 = 0
    /// For a child strand: the node it was sent to (where a retry of a watched call goes).
    var baseNode: Int32 = 0
    /// The data key the request touches (a rank ≥ 1 from its class's `keys:`; 0 = none), drawn
    /// once at arrival and shared by its retries and branch strands.
    var dataKey: UInt64 = 0
    /// A write under sync replication has committed and holds its primary worker until its
    /// acknowledgements: its next service end lets it go on (`Simulation+Database`).
    var dbCommitted = false

    @inline(__always)
    init(arrival: SimTime, serial: UInt64, classIndex: Int32) {
        self.arrival = arrival; self.hopArrival = arrival; self.serviceStart = arrival
        self.serial = serial; self.classIndex = classIndex; self.hop = 0; self.instance = -1; self.live = true
    }
}

/// What a request left behind at a station it called onward from, in a synchronous call
/// chain: the worker it still holds there, and the times needed to report that hop once the
/// downstream calls return.
struct CallFrame {
    var instance: Int32
    var hopArrival: SimTime
    var serviceStart: SimTime
    var serviceEnd: SimTime
    /// The caller's own visit: its node, repetition and visit key.
    var node: Int32 = 0
    var rep: Int32 = 0
    var key: UInt32 = 0
    /// The step of the caller's node in progress.
    var step: Int32 = 0
}

/// Requests in flight, in a `Slab` addressed by index, with side buffers per slot that grow
/// with it: call frames (synchronous chains) and the time spent at each path position.
/// Its owner (`Simulation`) calls `deallocate()` exactly once.
struct RequestSlab {
    private var slab: Slab<Request>
    /// Call frames per request (the longest synchronous path minus one; 0 without call chains):
    /// request r's frame for hop h is `frames[r * frameDepth + h]`.
    let frameDepth: Int
    private var frames: UnsafeMutablePointer<CallFrame>
    /// Time (ns) each request spent at each position of its path (wait + own service), for the
    /// breakdown of slow requests by hop; `pathLength` entries per request (0: not tracked).
    let pathLength: Int
    private var hopTimes: UnsafeMutablePointer<Int64>

    init(capacity: Int = 1024, frameDepth: Int = 0, pathLength: Int = 0) {
        slab = Slab(capacity: capacity)
        self.frameDepth = frameDepth
        self.pathLength = pathLength
        frames = .allocate(capacity: max(1, capacity * frameDepth))
        hopTimes = .allocate(capacity: max(1, capacity * pathLength))
    }

    var slots: UnsafeMutablePointer<Request> { slab.slots }
    var used: Int { slab.used }
    @inline(__always) var liveCount: Int { slab.liveCount }

    /// Request `i`'s time at each position of its path (`pathLength` entries).
    @inline(__always)
    func hopTimes(_ i: Int32) -> UnsafeMutablePointer<Int64> { hopTimes + Int(i) &* pathLength }

    /// The call frame of request `i` at hop `h` (h < frameDepth).
    @inline(__always)
    func frame(_ i: Int32, _ h: Int32) -> UnsafeMutablePointer<CallFrame> {
        assert(Int(h) < frameDepth, "call frame beyond the deepest synchronous path")
        return frames + (Int(i) &* frameDepth &+ Int(h))
    }

    @inline(__always)
    mutating func insert(_ r: Request) -> Int32 {
        let before = slab.capacity
        let i = slab.insert(r)
        if slab.capacity != before { growSideBuffers(from: before, to: slab.capacity) }
        return i
    }

    @inline(__always) mutating func remove(_ i: Int32) { slab.remove(i) }

    @inline(__always)
    subscript(i: Int32) -> Request {
        get { slab[i] }
        nonmutating _modify { yield &slab.slots[Int(i)] }
    }

    private mutating func growSideBuffers(from old: Int, to new: Int) {
        if frameDepth > 0 {
            let bigger = UnsafeMutablePointer<CallFrame>.allocate(capacity: new * frameDepth)
            bigger.moveInitialize(from: frames, count: old * frameDepth)
            frames.deallocate()
            frames = bigger
        }
        if pathLength > 0 {
            let bigger = UnsafeMutablePointer<Int64>.allocate(capacity: new * pathLength)
            bigger.moveInitialize(from: hopTimes, count: old * pathLength)
            hopTimes.deallocate()
            hopTimes = bigger
        }
    }

    func deallocate() {
        slab.deallocate()
        frames.deallocate()
        hopTimes.deallocate()
    }
}
