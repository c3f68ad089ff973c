#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws from a gamma distribution equal to `gsl_ran_gamma(rng, shape, scale)` bit for bit,
/// consuming the same words, with the constants of its method computed once.
///
/// The method is GSL's: Marsaglia and Tsang, "A Simple Method for Generating Gamma Variables",
/// ACM Transactions on Mathematical Software 26(3), 2000. For shape a ≥ 1, with d = a − 1/3 and
/// c = (1/3)/√d: draw a standard normal x until v = 1 + c·x > 0, cube v, draw u uniform in (0, 1);
/// accept when u < 1 − 0.0331·x⁴ (the squeeze, most draws) or ln u < x²/2 + d·(1 − v + ln v),
/// else start over; the draw is scale · d · v. For a < 1: u first, then a draw with shape 1 + a,
/// times u^(1/a). Every expression keeps GSL's order of operations, and the normal is
/// ``RandomStream/standardGaussian(_:)`` (GSL's ziggurat, bit for bit), so `GammaSamplerTests`
/// find the draws and the words consumed equal to GSL's over many shapes and seats.
///
/// Why not `gsl_ran_gamma`: through GSL every word is an indirect call into capsim's generator,
/// the normal a call into the library, and d and c a square root and a division per draw — about
/// 180 instructions a draw where this takes about 110 (callgrind, `three-tier.yaml`), on the hot
/// path of every gamma or Erlang service time.
///
/// Four numbers and a pointer, no references: a model's sampler holds one in its constants.
/// Sendable although it holds a pointer: the layers it points to are written once, before any
/// sampler exists, and never changed or freed.
public struct GammaSampler: @unchecked Sendable {
    /// The scale b (`gsl_ran_gamma`'s b).
    public let scale: Double
    /// d = a′ − 1/3 and c = (1/3)/√d for a′ = a (a ≥ 1) or a′ = 1 + a (a < 1).
    @usableFromInline let d: Double
    @usableFromInline let c: Double
    /// 1/a when a < 1 (the power of the extra uniform); 0 when a ≥ 1.
    @usableFromInline let inverseShape: Double
    /// The linked GSL's Gaussian ziggurat (`GaussianZiggurat.shared`), held so that a draw
    /// does not go through the shared value's lazy initialisation.
    @usableFromInline let layers: UnsafePointer<GaussianZiggurat.Layer>

    /// - Precondition: shape > 0 (scenario validation rejects the rest).
    public init(shape: Double, scale: Double) {
        self.scale = scale
        let a = shape < 1 ? 1.0 + shape : shape
        d = a - 1.0 / 3.0
        c = (1.0 / 3.0) / d.squareRoot()
        inverseShape = shape < 1 ? 1.0 / shape : 0
        layers = GaussianZiggurat.shared.layers
    }

    /// One draw ≡ `gsl_ran_gamma(stream.rng, shape, scale)`.
    @inlinable
    public func sample(_ stream: RandomStream) -> Double {
        if inverseShape > 0 {
            let u = stream.uniformPositive()
            return marsagliaTsang(stream) * pow(u, inverseShape)
        }
        return marsagliaTsang(stream)
    }

    /// scale · d · v by Marsaglia and Tsang's method for d and c (GSL's loop, in its order).
    @inlinable @inline(__always)
    func marsagliaTsang(_ stream: RandomStream) -> Double {
        var x: Double
        var v: Double
        while true {
            repeat {
                x = stream.standardGaussian(layers)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = stream.uniformPositive()
            if u < 1 - 0.0331 * x * x * x * x { break }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { break }
        }
        return scale * d * v
    }
}
