/// A closed workload's event: a user's think time ends and it sends its next request.
enum UserEvent {
    case thinkEnd(user: Int32)
}
