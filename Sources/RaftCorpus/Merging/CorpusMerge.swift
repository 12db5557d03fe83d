import Foundation
import RaftSimulation

/// Corpus folders of several shards as one corpus: every trace once.
///
/// Corpus files are named by a hash of their content (`CorpusFolder.fileName(of:encoded:)`), so
/// two shards that found the same trace wrote the same file under the same name, and the merge
/// keeps one. Files keep their place below their folder (`unshrunk/` stays `unshrunk/`).
public struct CorpusMerge: Sendable {
    /// A trace to write: where, and its text.
    public struct Entry: Equatable, Sendable {
        /// The path below the corpus folder.
        public var relativePath: String
        public var text: String
        /// The file it was read from (the first, when several shards hold it).
        public var source: String
    }

    /// The traces of the merged corpus, by relative path.
    public private(set) var entries: [Entry] = []
    /// Files read that another shard already held with the same content.
    public private(set) var duplicates = 0

    /// Reads every trace below `folders` (those that exist; a shard that found nothing may have
    /// none) and checks each one decodes.
    ///
    /// Files at a path in `leavingOut` (below their corpus folder) are not merged: what
    /// `CampaignMerge.corpusFilesLeftOut` names. Nothing is written here: a malformed trace, or two different files under one name, is an
    /// error naming the file before the merged corpus is touched.
    public init(folders: [CorpusFolder], leavingOut: Set<String> = []) throws(FileError) {
        var byPath: [String: Int] = [:]
        for folder in folders where folder.exists {
            let prefix = (folder.path as NSString).standardizingPath
            for file in folder.traceFiles() {
                let standardized = (file as NSString).standardizingPath
                let relative = String(standardized.dropFirst(prefix.count).drop(while: { $0 == "/" }))
                if leavingOut.contains(relative) { continue }
                let text = try TextFiles.read(file)
                do {
                    _ = try Trace.decode(text)
                } catch {
                    throw .malformed(path: file, detail: error.description)
                }
                if let earlier = byPath[relative] {
                    guard entries[earlier].text == text else {
                        throw .malformed(
                            path: file,
                            detail: "differs from \(entries[earlier].source), which has the same name: "
                                + "corpus names are content hashes, so one of them was edited")
                    }
                    duplicates += 1
                    continue
                }
                byPath[relative] = entries.count
                entries.append(Entry(relativePath: relative, text: text, source: file))
            }
        }
        entries.sort { $0.relativePath < $1.relativePath }
    }

    /// Writes every trace below `folder`; returns how many files were new there.
    ///
    /// A file already there with the same content is left alone, as `CorpusFolder.save` does.
    @discardableResult
    public func write(to folder: CorpusFolder) throws(FileError) -> Int {
        var written = 0
        for entry in entries {
            let path = (folder.path as NSString).appendingPathComponent(entry.relativePath)
            let parent = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw .corpusFolderUncreatable(path: parent)
            }
            do {
                try TextFiles.writeAtomically(entry.text, to: path, overwrite: false)
                written += 1
            } catch .exists(let existing) {
                guard (try? TextFiles.read(existing)) == entry.text else { throw .exists(path: existing) }
            }
        }
        return written
    }
}
