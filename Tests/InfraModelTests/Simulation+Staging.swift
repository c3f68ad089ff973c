@testable import InfraModel

extension Simulation {
    /// Sets instance i's busy workers directly, as a test's stage, with `loads` following as
    /// the model's own changes keep it.
    func stage(busy: Int32, at i: Int) {
        instances[i].busy = busy
        loads[i] = busy + Int32(instances[i].waiting.count)
    }

    /// Puts request r in instance i's line directly, as a test's stage, with `loads` following.
    func stage(waiting r: Int32, at i: Int) {
        instances[i].waiting.append(r)
        loads[i] += 1
    }
}
