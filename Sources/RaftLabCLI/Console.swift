import Foundation

/// Where a command writes: standard output and standard error, or buffers in tests.
public final class Console: @unchecked Sendable {
    private let writeOut: (String) -> Void
    private let writeError: (String) -> Void

    public init(out: @escaping (String) -> Void, error: @escaping (String) -> Void) {
        writeOut = out
        writeError = error
    }

    /// The process's standard output and standard error.
    ///
    /// A write that fails ends the process (see `StandardStreams`): exit 74, or death by SIGPIPE
    /// when the reader has gone.
    public static func standard() -> Console {
        Console(
            out: { StandardStreams.write($0, to: STDOUT_FILENO) },
            error: { StandardStreams.write($0, to: STDERR_FILENO) })
    }

    /// Writes a line to standard output.
    func print(_ line: String) { writeOut(line + "\n") }

    /// Writes text to standard output as it is, without adding a newline.
    func write(_ text: String) { writeOut(text) }

    /// Writes a line to standard error (progress, warnings, errors).
    func printError(_ line: String) { writeError(line + "\n") }
}

/// The exit codes every command uses (documented in README.md and `raftlab --help`).
public enum ExitCode: Int32, Sendable {
    /// Nothing violated.
    case ok = 0
    /// A safety invariant was violated.
    case safetyViolation = 1
    /// A liveness requirement was not met.
    case livenessViolation = 2
    /// A replayed trace no longer runs the same way.
    case replayDiverged = 3
    /// A spec expected a violation and the check did not find one.
    case expectationNotMet = 4
    /// A check stopped by a limit before its bounds were exhausted: no verdict (`check`).
    case incomplete = 5
    /// A check passed without reaching a situation its spec expects: the pass is vacuous (`check`).
    case vacuous = 6
    /// A client history's linearizability search ran out of budget: neither a pass nor a
    /// violation (`fuzz`, `check`; `--accept-undecided` takes it as a pass).
    case linearizabilityUndecided = 7
    /// The command line is wrong (EX_USAGE).
    case usage = 64
    /// An input file (spec or trace) is malformed (EX_DATAERR).
    case badInput = 65
    /// An input file cannot be read (EX_NOINPUT).
    case noInput = 66
    /// An output file cannot be written (EX_CANTCREAT).
    case cannotCreate = 73
    /// Writing standard output or standard error failed, other than by a broken pipe (EX_IOERR).
    case ioError = 74
    /// Stopped by SIGINT (Ctrl-C) after printing what was done so far: 128 + 2, as a shell reports it.
    case interrupted = 130
    /// Stopped by SIGTERM (a CI timeout) after printing what was done so far: 128 + 15.
    case terminated = 143
}

/// A failure that ends a command with a one-line message and an exit code.
struct CommandFailure: Error {
    var code: ExitCode
    var message: String
}
