import Foundation
import RaftSimulation

/// A folder of saved traces: counterexamples that must keep reproducing.
///
/// Every trace file below the folder is one entry, named by its content.
public struct CorpusFolder: Hashable, Sendable {
    /// The folder, as the user named it (entries are reported under this prefix).
    public var path: String

    public init(path: String) { self.path = path }

    /// Whether the folder exists (and is a folder).
    public var exists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Every `.json` file below the folder, sorted by path so that a corpus is always judged in
    /// the same order.
    public func traceFiles() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var paths: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".json") { paths.append((path as NSString).appendingPathComponent(relative)) }
        }
        return paths.sorted()
    }

    /// Saves `trace` as `<invariant>-<16 hex digits>.json`, creating the folder when needed;
    /// returns the path of its file.
    ///
    /// The name is a hash of the trace's encoding, so saving the same trace twice (a campaign run
    /// again) finds its file already there and writes nothing, instead of piling up copies. The
    /// write is atomic and never replaces an existing file (see
    /// `TextFiles.writeAtomically(_:to:overwrite:)`): two campaigns saving into one folder at once
    /// cannot lose each other's findings. This is the one place that decides a corpus file's name.
    public func save(_ trace: Trace) throws(FileError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .corpusFolderUncreatable(path: path)
        }
        let text = trace.encoded()
        let file = (path as NSString).appendingPathComponent(Self.fileName(of: trace, encoded: text))
        do {
            try TextFiles.writeAtomically(text, to: file, overwrite: false)
        } catch .exists(let existing) {
            // The same content is already saved: nothing to do. A different content under the
            // same 64-bit hash is left alone and reported.
            guard (try? TextFiles.read(existing)) == text else { throw .exists(path: existing) }
        }
        return file
    }

    /// The name a trace is saved under: its first violated invariant (`liveness` for a liveness
    /// failure, `trace` for a run that failed nothing) and a hash of its encoding `text`.
    public static func fileName(of trace: Trace, encoded text: String) -> String {
        var hasher = StableHasher()
        hasher.combine(text)
        let stem = trace.violation?.invariant.rawValue ?? (trace.liveness == nil ? "trace" : "liveness")
        return "\(stem)-\(hex16(hasher.finalize())).json"
    }
}
