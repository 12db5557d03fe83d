import Foundation

/// Standard output and standard error written with write(2), so that a failed write ends the
/// process with an exit code instead of a trap.
///
/// `FileHandle.write` traps on any error; a CI job whose disk is full or whose reader went away
/// must instead see the usual outcome of a Unix tool: death by SIGPIPE (exit 141 in a shell) on
/// a broken pipe, and otherwise one line on standard error and exit 74 (EX_IOERR).
enum StandardStreams {
    /// Standard input, output and error that were closed when the process started.
    ///
    /// Their descriptors are held open on /dev/null so that no file the command opens takes
    /// them, and a write to them fails as a write to a closed stream does.
    nonisolated(unsafe) private static var closedAtStart: [Int32] = []

    /// Holds descriptors 0, 1 and 2 open; call once, first thing in `main`.
    static func reserveClosedDescriptors() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            // open(2) returns the lowest free descriptor: this very one.
            if open("/dev/null", O_RDWR) == descriptor { closedAtStart.append(descriptor) }
        }
    }

    /// Writes all of `text` to `descriptor` (1 or 2), or ends the process as described above.
    static func write(_ text: String, to descriptor: Int32) {
        var failure: Int32 = closedAtStart.contains(descriptor) ? EBADF : 0
        if failure == 0 {
            var text = text
            failure = text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
        }
        if failure != 0 { fail(failure, writing: descriptor) }
    }

    /// Writes every byte, retrying after a signal and after a short write; 0 or the errno.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }

    /// Ends the process after a failed write: by SIGPIPE on a broken pipe, else exit 74 with one
    /// line on standard error when standard error itself still works.
    private static func fail(_ error: Int32, writing descriptor: Int32) -> Never {
        if error == EPIPE {
            // Foundation may have set SIGPIPE to be ignored; restore the default action so the
            // shell sees the conventional death by SIGPIPE.
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
            exit(128 + SIGPIPE)
        }
        if descriptor != 2 && !closedAtStart.contains(2) {
            let name = descriptor == 1 ? "standard output" : "descriptor \(descriptor)"
            var line = "raftlab: cannot write to \(name): \(String(cString: strerror(error)))\n"
            _ = line.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: STDERR_FILENO) }
        }
        exit(ExitCode.ioError.rawValue)
    }
}
