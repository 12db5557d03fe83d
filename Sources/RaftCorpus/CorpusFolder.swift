import Foundation
import RaftSimulation

/// A folder of saved traces: counterexamples that must keep reproducing.
///
/// Every trace file below the folder is one entry. Saving never replaces an entry, so two
/// campaigns writing into the same folder at once cannot lose each other's findings.
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

    /// Saves `trace` as `<invariant>-<n>.json` with the first free n, creating the folder when
    /// needed; returns the path of the new file.
    ///
    /// The write is atomic and never replaces an existing file (see
    /// `TextFiles.writeAtomically(_:to:overwrite:)`). This is the one place that decides a
    /// corpus file's name.
    public func save(_ trace: Trace) throws(FileError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .corpusFolderUncreatable(path: path)
        }
        let stem = trace.violation?.invariant.rawValue ?? (trace.liveness == nil ? "trace" : "liveness")
        let text = trace.encoded()
        for number in 1...100_000 {
            let file = (path as NSString).appendingPathComponent("\(stem)-\(number).json")
            if FileManager.default.fileExists(atPath: file) { continue }
            do {
                try TextFiles.writeAtomically(text, to: file, overwrite: false)
                return file
            } catch {
                // Another process took the name between the check and the link: try the next.
                if FileManager.default.fileExists(atPath: file) { continue }
                throw error
            }
        }
        throw .noFreeName(folder: path, pattern: "\(stem)-N.json")
    }
}
