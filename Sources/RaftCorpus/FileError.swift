/// Why a file could not be read or written, with the path it concerns.
///
/// The library says what went wrong; the command line decides the exit code (sysexits: 66 for
/// an unreadable input, 65 for a malformed one, 73 for an output it cannot create), so that a
/// library user is not tied to the CLI's conventions.
public enum FileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file does not exist or cannot be opened or read; `reason` says which, in words.
    case unreadable(path: String, reason: String)
    /// The file is not UTF-8 text.
    case notText(path: String)
    /// The file is text but not a valid trace (or spec): `detail` names the field.
    case malformed(path: String, detail: String)
    /// The file (or its temporary sibling) cannot be written.
    case unwritable(path: String)
    /// The file exists (for a corpus file: with other content) and the write was asked never to
    /// replace it.
    case exists(path: String)
    /// A corpus folder cannot be created.
    case corpusFolderUncreatable(path: String)

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read file: \(reason)"
        case .notText(let path): "\(path): not UTF-8 text"
        case .malformed(let path, let detail): "\(path): \(detail)"
        case .unwritable(let path): "\(path): cannot write file"
        case .exists(let path): "\(path): already exists, not overwritten"
        case .corpusFolderUncreatable(let path): "\(path): cannot create the corpus folder"
        }
    }
}
