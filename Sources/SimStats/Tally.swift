/// Streaming count, mean, variance, min and max of a series (Welford's update; mergeable by
/// Chan et al.'s formula). Exact moments kept beside a histogram, whose own moments are
/// bucket-rounded.
public struct Tally: Sendable, Equatable, Codable {
    public private(set) var count: UInt64 = 0
    public private(set) var mean: Double = 0
    /// Sum of squared deviations from the mean.
    public private(set) var m2: Double = 0
    public private(set) var min: Double = .infinity
    public private(set) var max: Double = -.infinity

    public init() {}

    @inlinable public var isEmpty: Bool { count == 0 }

    public mutating func add(_ x: Double) {
        count &+= 1
        let d = x - mean
        mean += d / Double(count)
        m2 += d * (x - mean)
        if x < min { min = x }
        if x > max { max = x }
    }

    /// Sample variance (n − 1 denominator); 0 with fewer than two values.
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    public var standardDeviation: Double { variance.squareRoot() }

    /// Combines two tallies as if every value had been added to one.
    public mutating func merge(_ other: Tally) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let n = Double(count)
        let m = Double(other.count)
        let d = other.mean - mean
        mean += d * m / (n + m)
        m2 += other.m2 + d * d * n * m / (n + m)
        count += other.count
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }
}
