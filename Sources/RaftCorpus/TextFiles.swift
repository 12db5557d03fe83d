import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reading and writing whole text files, the only file access the corpus needs.
///
/// Kept behind one small type so that every reader reports a missing or undecodable file the
/// same way, and every writer is atomic.
public enum TextFiles {
    /// The path that names standard input.
    public static let standardInputPath = "-"

    /// The file's contents as UTF-8 text; `-` reads standard input.
    ///
    /// Read with open(2) and read(2) rather than FileManager, so that pipes and FIFOs work as
    /// inputs and a failure says why (missing, permission denied, a directory).
    public static func read(_ path: String) throws(FileError) -> String {
        let descriptor = path == standardInputPath ? STDIN_FILENO : open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: reason(errno)) }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: reason(errno))
            }
            data.append(contentsOf: buffer[..<count])
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .notText(path: path) }
        return text
    }

    /// The words for a failed open or read: the common cases by name, the rest as the system
    /// says them.
    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES, EPERM: "permission denied"
        case EISDIR: "it is a directory"
        case ENOTDIR: "a folder on its path is not a directory"
        default: String(cString: strerror(code))
        }
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
