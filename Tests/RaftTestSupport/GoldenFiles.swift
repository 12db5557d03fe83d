import Foundation

/// Golden files: expected output kept in the repository and compared exactly.
public enum GoldenFiles {
    /// Whether this run rewrites golden files instead of comparing them: `RAFTLAB_REWRITE=1`.
    ///
    /// One switch for every golden test, so that a change that alters renderings and interaction
    /// transcripts together is rewritten, and read as a diff, at once.
    public static var rewriting: Bool { ProcessInfo.processInfo.environment["RAFTLAB_REWRITE"] == "1" }
}
