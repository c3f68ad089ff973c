/// A deploy's own events (`Simulation+Deploy`): each carries the deploy's index in
/// `ModelSpec.deploys`.
enum DeployEvent {
    /// The deploy begins (at `DeploySpec.at`).
    case begin(deploy: Int32)
    /// A canary step's instances have drained: they go down to restart.
    case batchDown(deploy: Int32)
    /// A canary step's instances have restarted: they serve the version the step installs.
    case batchUp(deploy: Int32)
    /// A blue-green deploy's second fleet is ready: traffic switches to the new version.
    case switchOver(deploy: Int32)
    /// The bake is over: the analysis decides.
    case judge(deploy: Int32)

    /// Its code in the trajectory fingerprint (see `ModelEvent.trajectoryCode`).
    var trajectoryCode: (kind: UInt64, index: Int32) {
        switch self {
        case .begin(let d): (31, d)
        case .batchDown(let d): (32, d)
        case .batchUp(let d): (33, d)
        case .switchOver(let d): (34, d)
        case .judge(let d): (35, d)
        }
    }
}
