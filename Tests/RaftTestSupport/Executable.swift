import Foundation
import Testing

/// Runs the built `raftlab` executable as its own process.
public struct Executable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String

    /// The `raftlab` binary SwiftPM built next to the test bundle.
    public static var url: URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("raftlab")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.appendingPathComponent("raftlab")
    }

    /// Runs `raftlab` with `arguments`; `input`, when given, is its standard input.
    public static func run(_ arguments: [String], input: Data? = nil) throws -> Executable {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let input {
            let inputPipe = Pipe()
            process.standardInput = inputPipe
            let writer = inputPipe.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(input)
                try? writer.close()
            }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes are drained at once: read one after the other, a child that fills the second
        // pipe while the first is being read would block forever, and so would the test.
        let errors = ErrorDrain(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.finish()
        process.waitUntilExit()
        return Executable(
            exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Reads a pipe to its end on a thread of its own.
    private final class ErrorDrain: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }

        func finish() -> Data {
            done.wait()
            return data
        }
    }

    /// Runs `arguments` and expects the house rule for bad input: exit `exitCode` and exactly
    /// one line on stderr, containing `message`.
    public static func expectOneLineError(
        _ arguments: [String], exitCode: Int32, containing message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let run = try run(arguments)
        #expect(run.exitCode == exitCode, sourceLocation: sourceLocation)
        #expect(run.stderr.contains(message), sourceLocation: sourceLocation)
        #expect(run.stderr.split(separator: "\n").count == 1, sourceLocation: sourceLocation)
    }

    /// The value after `digest: ` in the output.
    public var digest: String? {
        stdout.split(separator: "\n").first { $0.hasPrefix("digest: ") }.map { String($0.dropFirst(8)) }
    }
}

/// A path named `name` in this test process's own temporary folder (created on first use).
public func temporaryPath(_ name: String) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("raftlab-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}
