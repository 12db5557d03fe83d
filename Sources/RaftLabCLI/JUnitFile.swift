import TraceRendering

extension JUnitReport {
    /// Writes the report for `--junit FILE`: atomically, so CI never reads half a file; exit 73
    /// naming the file when it cannot be written.
    func write(to path: String) throws(CommandFailure) {
        try Files.writeAtomically(xml(), to: path)
    }
}
