import Foundation

/// Reading and writing whole text files, the only file access the corpus needs.
///
/// Kept behind one small type so that every reader reports a missing or undecodable file the
/// same way, and every writer is atomic.
public enum TextFiles {
    /// The file's contents as UTF-8 text.
    public static func read(_ path: String) throws(FileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        guard let text = String(data: data, encoding: .utf8) else { throw .notText(path: path) }
        return text
    }

    /// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename, so
    /// a reader never sees half a file.
    ///
    /// With `overwrite: false` an existing file is left alone and the write fails with
    /// `FileError.exists`: the temporary file is linked into place with link(2), which fails
    /// rather than replace, so no race between two writers can overwrite a file.
    public static func writeAtomically(_ text: String, to path: String, overwrite: Bool = true) throws(FileError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            unlink(temporary.path)
            throw .unwritable(path: path)
        }
        if overwrite {
            guard rename(temporary.path, url.path) == 0 else {
                unlink(temporary.path)
                throw .unwritable(path: path)
            }
        } else {
            defer { unlink(temporary.path) }
            guard link(temporary.path, url.path) == 0 else {
                throw errno == EEXIST ? .exists(path: path) : .unwritable(path: path)
            }
        }
    }
}
