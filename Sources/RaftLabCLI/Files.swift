import Foundation
import RaftCorpus
import RaftSimulation

/// File access with the errors and exit codes the CLI reports.
enum Files {
    static func read(_ path: String) throws(CommandFailure) -> String {
        do {
            return try TextFiles.read(path)
        } catch {
            throw CommandFailure(error)
        }
    }

    /// Writes `text` to `path` atomically (see `TextFiles.writeAtomically(_:to:overwrite:)`).
    static func writeAtomically(_ text: String, to path: String, overwrite: Bool = true) throws(CommandFailure) {
        do {
            try TextFiles.writeAtomically(text, to: path, overwrite: overwrite)
        } catch {
            throw CommandFailure(error)
        }
    }

    /// Reads and decodes a trace: exit 66 when unreadable, 65 naming the field when malformed.
    static func readTrace(_ path: String) throws(CommandFailure) -> Trace {
        do {
            return try TraceFile.read(path)
        } catch {
            throw CommandFailure(error)
        }
    }
}

extension CommandFailure {
    /// The exit code for a file the library could not use: 66 for an input that cannot be read,
    /// 65 for one that is not a valid file of its kind, 73 for an output that cannot be written.
    init(_ error: FileError) {
        let code: ExitCode
        switch error {
        case .unreadable: code = .noInput
        case .notText, .malformed: code = .badInput
        case .unwritable, .exists, .corpusFolderUncreatable: code = .cannotCreate
        }
        self.init(code: code, message: error.description)
    }
}

extension Files {
    /// The output paths any command takes (`--trace-out`, `--junit`, `--out` files and the
    /// `--corpus` folder), checked before the command starts its work.
    static func checkOutputs(_ arguments: ParsedArguments) throws(CommandFailure) {
        for flag in ["--trace-out", "--junit", "--out"] {
            if let path = arguments.value(flag) { try checkWritable(file: path) }
        }
        if let folder = arguments.value("--corpus") { try checkWritable(folder: folder) }
    }

    /// Fails at once, with exit 73 naming the file, when `path` cannot be written.
    ///
    /// Checked before the work, so that a command does not find out only after hours of it.
    /// A probe file is created next to it and removed: only trying tells a read-only file system
    /// or a missing permission apart from a writable folder.
    static func checkWritable(file path: String) throws(CommandFailure) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandFailure(code: .cannotCreate, message: "\(path): cannot write file: it is a directory")
        }
        let folder = (path as NSString).deletingLastPathComponent
        try probe(folder.isEmpty ? "." : folder, for: path, what: "cannot write file")
    }

    /// Fails at once, with exit 73, when the folder `path` cannot be created or written in.
    ///
    /// Does not create it: the nearest folder that exists is probed instead.
    static func checkWritable(folder path: String) throws(CommandFailure) {
        var existing = path.isEmpty ? "." : path
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: existing, isDirectory: &isDirectory) {
            let parent = (existing as NSString).deletingLastPathComponent
            existing = parent.isEmpty ? "." : parent
        }
        guard isDirectory.boolValue else {
            throw CommandFailure(
                code: .cannotCreate, message: "\(path): cannot create the folder: \(existing) is not a folder")
        }
        try probe(existing, for: path, what: "cannot write in the folder")
    }

    /// Creates and removes a file in `folder`, or fails naming `path`.
    private static func probe(_ folder: String, for path: String, what: String) throws(CommandFailure) {
        let probe = (folder as NSString).appendingPathComponent(".raftlab-probe-\(getpid())")
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure(code: .cannotCreate, message: "\(path): \(what): \(String(cString: strerror(errno)))")
        }
        close(descriptor)
        unlink(probe)
    }
}
