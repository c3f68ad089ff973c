/// A bounded queue's figures per instance, whichever model gave them (`FiniteQueue` for
/// independent instances or one shared queue, `PowerOfChoices` for power of two): what
/// `capsim validate` prints and the run's "(theory)" utilisation.
public struct QueueFigures: Sendable, Equatable {
    /// Share of the station's arrivals turned away with `queue_full`.
    public var blocking: Double
    /// Share of the workers' time busy (the load carried over the workers).
    public var utilization: Double
    /// Probability that an admitted request waits for a worker.
    public var waitProbability: Double
    /// Mean number of requests present at an instance.
    public var meanInSystem: Double
    /// Mean wait of an admitted request for a worker, in seconds, under exponential service.
    public var meanWait: Double

    public init(blocking: Double, utilization: Double, waitProbability: Double, meanInSystem: Double, meanWait: Double)
    {
        self.blocking = blocking
        self.utilization = utilization
        self.waitProbability = waitProbability
        self.meanInSystem = meanInSystem
        self.meanWait = meanWait
    }
}

extension FiniteQueue {
    /// The figures of this queue shared by `instances` instances (1: one instance's own).
    public func figures(instances: Int = 1) -> QueueFigures {
        QueueFigures(
            blocking: blocking, utilization: utilization, waitProbability: waitProbability,
            meanInSystem: meanInSystem / Double(instances), meanWait: meanWait)
    }
}

extension PowerOfChoices {
    public var figures: QueueFigures {
        QueueFigures(
            blocking: blocking, utilization: utilization, waitProbability: waitProbability,
            meanInSystem: meanInSystem, meanWait: meanWait)
    }
}
