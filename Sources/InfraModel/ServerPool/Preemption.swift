/// Whether, under priority by class, a more urgent request takes a worker from a less urgent
/// one in service (`discipline: {priority: [classes], preemptive: true}`).
public enum Preemption: Sendable, Equatable, Hashable {
    /// A request in service keeps its worker until its service is over (the default).
    case never
    /// Preemptive resume: a request arriving at an instance whose workers are all busy takes
    /// the worker of the least urgent request in its own service there whose level is less
    /// urgent than its own (of several, the one whose service started last). The displaced
    /// request waits again at the head of its level and, given a worker, continues with the
    /// service time it had left; no work is lost or repeated. A request that has finished its
    /// own service and holds its worker through its downstream calls is never displaced.
    case resume
}
