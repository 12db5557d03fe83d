import Foundation
import RaftCore
import RaftSimulation
import RaftTestSupport
import TraceRendering

/// The example traces under `corpus/examples`, read from the source tree.
enum CorpusExamples {
    /// Every action kind, a partition, crashes and restarts, a Leader Completeness violation.
    static let everyKind = "vote-without-log-check-seed-12"
    /// A twelve-step Election Safety violation.
    static let short = "vote-twice-seed-6"

    static func path(_ name: String) -> String { Repository.corpusExample(name) }

    static func trace(_ name: String) throws -> Trace {
        try Trace.decode(String(contentsOfFile: path(name), encoding: .utf8))
    }

    static func timeline(_ name: String) throws -> Timeline { Timeline(replaying: try trace(name)) }
}

/// Compares renderings with files under `Golden/`; `RAFTLAB_REWRITE=1` rewrites them.
///
/// A golden file is the reviewed rendering: when a change alters it, the diff shows exactly what a
/// reader will see differently. Rewrite, read the diff, and commit only what you meant.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var updating: Bool { GoldenFiles.rewriting }

    /// The golden text for `name`, after rewriting it with `actual` when updating.
    static func expected(_ name: String, actual: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        if updating { try actual.write(to: url, atomically: true, encoding: .utf8) }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
