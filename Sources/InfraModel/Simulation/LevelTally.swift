/// The hot-path form of `LevelTimes`: the time (ns) a count spent at each level, in a manually
/// managed buffer, so adding to it costs a compare and an add (no copy-on-write check).
///
/// Its owner calls `deallocate()` exactly once. Invariant: `base[0..<capacity]` is initialised
/// and every entry ≥ 0; capacity only grows (to the highest level seen, doubling).
struct LevelTally {
    private var base: UnsafeMutablePointer<Double>
    private var capacity: Int

    init(capacity: Int = 64) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
        base.initialize(repeating: 0, count: self.capacity)
    }

    /// Adds `dt` ns spent at `level` (≥ 0).
    @inline(__always)
    mutating func add(_ dt: Double, at level: Int) {
        if level >= capacity { grow(to: level) }
        base[level] += dt
    }

    @inline(never)
    private mutating func grow(to level: Int) {
        precondition(level >= 0, "a count's level is never negative")
        var grown = capacity
        while grown <= level { grown *= 2 }
        let wider = UnsafeMutablePointer<Double>.allocate(capacity: grown)
        wider.moveInitialize(from: base, count: capacity)
        (wider + capacity).initialize(repeating: 0, count: grown - capacity)
        base.deallocate()
        base = wider
        capacity = grown
    }

    /// The times so far as a value (up to the highest level with time).
    var times: LevelTimes {
        var last = capacity - 1
        while last > 0 && base[last] == 0 { last -= 1 }
        return LevelTimes(nanoseconds: Array(UnsafeBufferPointer(start: base, count: last + 1)))
    }

    func deallocate() { base.deallocate() }
}
