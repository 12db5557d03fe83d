import Foundation
import Synchronization

/// The signal that asked the running command to stop, or 0.
///
/// Written only by the signal handler.
private let receivedSignal = Atomic<Int32>(0)

/// SIGINT (Ctrl-C) and SIGTERM (a CI timeout) as a request to stop, for the commands that can
/// stop cleanly: `check` and `fuzz` poll `requested` between batches of work, then print what
/// they did so far and exit 130 or 143.
///
/// The handler only stores the signal's number in an atomic, the one thing a handler may safely
/// do, and restores the default action, so that a second Ctrl-C kills a command that does not
/// stop soon enough.
enum Interrupts {
    /// Installs the handler for SIGINT and SIGTERM.
    static func install() {
        // Initialize the global before a handler can touch it: lazy initialization is not safe
        // inside a signal handler.
        _ = receivedSignal.load(ordering: .relaxed)
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGINT, SIGTERM] {
            sigaddset(&signals, number)
            signal(number) { number in
                receivedSignal.store(number, ordering: .relaxed)
                signal(number, SIG_DFL)
            }
        }
        // A parent may start this process with the signals blocked (Foundation's Process does):
        // a blocked signal would stay pending and the command would never stop.
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// Whether a stop was requested.
    @Sendable static func requested() -> Bool { receivedSignal.load(ordering: .relaxed) != 0 }

    /// The received signal, as a name and the exit code that reports it; nil when none came.
    static var received: (name: String, exitCode: ExitCode)? {
        switch receivedSignal.load(ordering: .relaxed) {
        case 0: nil
        case SIGTERM: ("SIGTERM", .terminated)
        default: ("SIGINT", .interrupted)
        }
    }
}
