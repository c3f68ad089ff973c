import CZiggurat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RandomStream {
    /// A standard exponential draw (mean 1) by the ziggurat method (Marsaglia and Tsang, "The
    /// Ziggurat Method for Generating Random Variables", Journal of Statistical Software 5(8),
    /// 2000), in its 53-bit form with 256 layers: the tables are `Sources/CZiggurat`'s, written by
    /// its `generate.py`.
    ///
    /// It takes 64 bits (two words, the first the high half), drops the lowest 3, takes the
    /// layer i from the next 8 and a 53-bit integer j from the rest; x = j · w(i) lies uniformly
    /// in the layer's span [0, xᵢ), and under the curve outright when j < k(i) — 97.8 % of the
    /// draws, which cost no logarithm, no exponential and no further word. The rest are the
    /// layer's wedge (accepted when a uniform height under the layer falls under e⁻ˣ, else the
    /// draw starts over: 1.1 % of draws) and, from the base layer, the tail beyond r:
    /// r − ln(1 − u), exact by the exponential's lack of memory. Draws are exact samples of
    /// Exp(1) up to the 53-bit resolution of x within its layer; `ExponentialZigguratTests`
    /// checks the tables against their definition, and the draws' distribution (χ² over the
    /// layers, Kolmogorov–Smirnov, the tail's mass, the moments) against Exp(1).
    ///
    /// Why not −ln(1 − u): the logarithm's latency lay on the path from every arrival and
    /// service draw to the event it schedules, and an exponential is the hottest draw in most
    /// scenarios (Poisson arrivals, exponential service). The fast path is a shift, a mask, one
    /// multiply and one compare against two table loads.
    @inlinable @inline(__always)
    public func standardExponential() -> Double {
        let (layer, j, x) = zigguratPoint()
        if j < capsim_ziggurat_k_at(layer) { return x }
        return standardExponentialBeyondFastPath(layer: layer, x: x)
    }

    /// One point of the ziggurat from the next two words: its layer (8 bits), its 53-bit integer
    /// abscissa j and x = j · w(layer).
    @inlinable @inline(__always)
    func zigguratPoint() -> (layer: UInt32, j: UInt64, x: Double) {
        let bits = (UInt64(PhiloxState.nextWord(state)) &<< 32 | UInt64(PhiloxState.nextWord(state))) &>> 3
        let layer = UInt32(truncatingIfNeeded: bits) & 0xFF
        let j = bits &>> 8
        // j < 2⁵³: converted as a signed integer, one instruction (an unsigned one branches).
        return (layer, j, Double(Int64(bitPattern: j)) * capsim_ziggurat_w_at(layer))
    }

    /// ``standardExponential()`` for a point outside its layer's inner rectangle (2.2 % of
    /// draws): the tail, the wedge test, or a fresh point after a rejection. Out of line, to keep
    /// the fast path small where it is inlined.
    @inlinable @inline(never)
    func standardExponentialBeyondFastPath(layer: UInt32, x: Double) -> Double {
        var layer = layer
        var x = x
        while true {
            if layer == 0 { return capsim_ziggurat_r() - log(1 - uniform()) }
            let below = capsim_ziggurat_f_at(layer)
            if (capsim_ziggurat_f_at(layer - 1) - below) * uniform() + below < exp(-x) { return x }
            let point = zigguratPoint()
            if point.j < capsim_ziggurat_k_at(point.layer) { return point.x }
            layer = point.layer
            x = point.x
        }
    }
}
