import SimKernel

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
    /// The last stamp handed out (`newStamp`).
    private var lastStamp: UInt32 = 0

    /// A stamp not handed out before, for a request's incarnation, a client or a switch: an
    /// event carries the stamp of what it was scheduled for, and is stale when they differ.
    @inline(__always)
    mutating func newStamp() -> UInt32 {
        lastStamp &+= 1
        return lastStamp
    }

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
