/// What an error is blamed on (see `RequestRecord.blame` and `blameZone`): the station whose
/// failure or refusal caused it, and the zone whose outage took the instance behind it down;
/// −1 for nobody (a success, or an error of the client's own).
struct Blame {
    var station: Int32 = -1
    var zone: Int32 = -1
}
