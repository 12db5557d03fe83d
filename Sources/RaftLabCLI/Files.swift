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
        case .unwritable, .exists, .corpusFolderUncreatable, .noFreeName: code = .cannotCreate
        }
        self.init(code: code, message: error.description)
    }
}
