import SimRandom

/// A closed workload's population: `users` users, each of whom sends one request, waits for its
/// end (success or error, after the client's retries), thinks for a time drawn from `think`,
/// and sends the next. Each user starts by thinking (a first think time from the same
/// distribution), so the population does not arrive at once at time 0.
///
/// Invariant: every user is, at every instant before the horizon, either thinking (one pending
/// think-end event) or waiting for exactly one request in flight.
public struct ClosedPopulation: Sendable, Equatable {
    /// Users in the population (≥ 1).
    public var users: Int
    /// The think time between a request's end and the user's next request (seconds).
    public var think: Distribution

    public init(users: Int, think: Distribution) {
        precondition(users >= 1, "a closed workload has at least one user")
        self.users = users
        self.think = think
    }
}
