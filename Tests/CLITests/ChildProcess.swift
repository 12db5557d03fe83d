import Foundation
import RaftTestSupport

/// A `raftlab` process under a test's control: its standard output goes to a file (or any
/// handle), its standard error is read line by line, and it can be sent a signal mid-run.
final class ChildProcess {
    let process = Process()
    private let errorPipe = Pipe()
    private var errorBuffer = Data()
    let stdoutPath: String

    /// Starts `raftlab arguments`; `stdout` replaces the default output file, `environment`
    /// entries are added to this process's environment.
    init(_ arguments: [String], stdout: FileHandle? = nil, environment: [String: String] = [:]) throws {
        stdoutPath = temporaryPath("child-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        process.executableURL = Executable.url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try stdout ?? FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = errorPipe
        try process.run()
    }

    /// Reads standard error until a line satisfies `matches`; nil when the process closed it first.
    func waitForErrorLine(where matches: (String) -> Bool) -> String? {
        while true {
            while let newline = errorBuffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: errorBuffer[errorBuffer.startIndex..<newline], as: UTF8.self)
                errorBuffer.removeSubrange(errorBuffer.startIndex...newline)
                if matches(line) { return line }
            }
            let chunk = errorPipe.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            errorBuffer.append(chunk)
        }
    }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the end; the exit status (128 + the signal's number when a signal ended it), the
    /// standard output, and the rest of standard error.
    ///
    /// A child still running after a minute is killed, so that a command that ignores its signal
    /// fails the test (with status 137) instead of hanging it.
    func finish() -> (status: Int32, stdout: String, stderr: String) {
        let pid = process.processIdentifier
        let guardTimer = DispatchSource.makeTimerSource()
        guardTimer.schedule(deadline: .now() + 60)
        guardTimer.setEventHandler { kill(pid, SIGKILL) }
        guardTimer.resume()
        defer { guardTimer.cancel() }
        errorBuffer.append(errorPipe.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        let status =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        return (status, out, String(decoding: errorBuffer, as: UTF8.self))
    }
}

/// A fresh empty folder for one test.
func emptyFolder(_ name: String) -> String {
    let path = temporaryPath("\(name)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
