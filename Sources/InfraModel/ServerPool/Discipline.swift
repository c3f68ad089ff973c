/// The order in which an instance serves the requests it holds (`discipline:` of a server pool).
///
/// The first four are non-preemptive queueing disciplines over the instance's waiting line:
/// a request that has a worker keeps it until its service (and, in a call chain, its downstream
/// calls) is over; they differ only in which waiting request takes a worker that comes free.
/// Processor sharing has no waiting line at all: see `.processorSharing`.
public enum QueueDiscipline: Sendable, Equatable, Hashable {
    /// Oldest waiting request first (the default).
    case fifo
    /// Newest waiting request first (non-preemptive LIFO).
    case lifo
    /// Oldest first while at most `lifoAbove` requests wait; newest first while more wait (the
    /// decision is made each time a worker comes free, from the line's length then) — the
    /// "adaptive LIFO" of overload-aware servers: under overload the newest requests, whose
    /// clients are still waiting, are served first, and the backlog ages out.
    case adaptiveLifo(lifoAbove: Int)
    /// Non-preemptive priority by class: the waiting request of the most urgent class takes a
    /// worker coming free, oldest first within a class. The station's
    /// `StationSpec.priorityClasses` name the classes in order, most urgent first; the classes
    /// not named share the last level. A request in service keeps its worker (no preemption),
    /// and a full line turns away any class alike.
    case priority
    /// Every request an instance admits is in service at once; the `workers` of the instance
    /// are its cores, shared equally: with n requests in service each progresses at
    /// rate min(1, workers/n). An instance admits at most `workers + queue` requests (in service,
    /// or in a call chain holding their place while their downstream call runs, which uses no
    /// core); beyond that a request ends with `queue_full`. Nothing waits.
    case processorSharing

    /// The YAML spelling.
    public var name: String {
        switch self {
        case .fifo: "fifo"
        case .lifo: "lifo"
        case .adaptiveLifo: "adaptive_lifo"
        case .priority: "priority"
        case .processorSharing: "processor_sharing"
        }
    }

    /// Every YAML spelling, in documentation order.
    /// (Priority is a mapping, `{priority: [classes]}`, not one of these words.)
    public static let names = ["fifo", "lifo", "adaptive_lifo", "processor_sharing"]

    /// The default `lifo_above` of adaptive LIFO for an instance with `queue` waiting slots
    /// (nil = unlimited): half the queue (rounded down), or 32 for an unlimited queue.
    public static func defaultLifoAbove(queue: Int?) -> Int {
        queue.map { $0 / 2 } ?? 32
    }
}
