import CGSL

/// Process-wide set-up of the GNU Scientific Library.
///
/// GSL's default error handler calls `abort()`. capsim validates every argument itself, so the
/// handler is switched off once per process, before the first generator is allocated.
/// Every entry point in this module that allocates a GSL object calls ``initialize()``.
public enum GSL {
    /// Evaluated exactly once, thread-safely (Swift initialises `static let` with `swift_once`).
    private static let errorHandlerOff: Bool = {
        _ = gsl_set_error_handler_off()
        return true
    }()

    /// Switches GSL's aborting error handler off. Idempotent and thread-safe; cheap after the first call.
    public static func initialize() {
        _ = errorHandlerOff
    }
}
