import Foundation

/// Files of this repository that tests read: specs, the corpus, sources.
///
/// Found from this file's own path, so tests read the checkout they were built from whatever
/// the working directory.
public enum Repository {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The absolute path of `relativePath`, given from the root (`specs/election.json`).
    public static func path(_ relativePath: String) -> String {
        root.appendingPathComponent(relativePath).path
    }

    /// The saved example trace `name` (without `.json`) under `corpus/examples`.
    public static func corpusExample(_ name: String) -> String { path("corpus/examples/\(name).json") }
}
