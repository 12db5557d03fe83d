import RaftSimulation

/// Reading trace files, with the errors every reader reports the same way.
public enum TraceFile {
    /// Reads and decodes the trace at `path`; a malformed trace is reported by file and field.
    public static func read(_ path: String) throws(FileError) -> Trace {
        let text = try TextFiles.read(path)
        do {
            return try Trace.decode(text)
        } catch {
            throw .malformed(path: path, detail: error.description)
        }
    }
}
