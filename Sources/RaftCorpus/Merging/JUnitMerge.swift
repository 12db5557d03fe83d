import Foundation

/// JUnit XML reports of several shards as one report: every `<testsuite>` of every file, inside
/// one `<testsuites>` whose counts are their sums.
///
/// The suites are kept as written (raftlab writes one suite a file, one case a failing run), so
/// a CI page lists each shard's cases; only the totals are recomputed. The reports are read as
/// raftlab writes them, not as arbitrary XML: a `<testsuite>` element with integer `tests`,
/// `failures`, `errors` and `skipped` counts and a `time` in seconds.
public struct JUnitMerge: Sendable {
    public private(set) var suites: [String] = []
    public private(set) var tests = 0
    public private(set) var failures = 0
    public private(set) var errors = 0
    public private(set) var skipped = 0
    /// Total seconds, in milliseconds so that the sum is exact.
    public private(set) var milliseconds = 0

    public init() {}

    /// Adds the suites of the report `text`, read from `path`.
    public mutating func add(_ text: String, path: String) throws(FileError) {
        var rest = text[...]
        var found = 0
        while let start = rest.range(of: "<testsuite ") {
            let afterOpening = rest[start.upperBound...]
            guard let openingEnd = afterOpening.firstIndex(of: ">") else { break }
            let opening = rest[start.lowerBound...openingEnd]
            let end: String.Index
            if opening.hasSuffix("/>") {
                end = rest.index(after: openingEnd)
            } else if let closing = rest[openingEnd...].range(of: "</testsuite>") {
                end = closing.upperBound
            } else {
                throw .malformed(path: path, detail: "a <testsuite> element is not closed")
            }
            for (name, value) in [("tests", 0), ("failures", 1), ("errors", 2), ("skipped", 3)] {
                guard let count = Self.attribute(name, in: opening).flatMap({ Int($0) }), count >= 0 else {
                    throw .malformed(path: path, detail: "<testsuite> needs an integer \(name)=\"N\" attribute")
                }
                switch value {
                case 0: tests += count
                case 1: failures += count
                case 2: errors += count
                default: skipped += count
                }
            }
            guard let time = Self.attribute("time", in: opening).flatMap(Self.milliseconds) else {
                throw .malformed(path: path, detail: "<testsuite> needs a time=\"SECONDS\" attribute (like 1.250)")
            }
            milliseconds += time
            suites.append(String(rest[start.lowerBound..<end]))
            found += 1
            rest = rest[end...]
        }
        if found == 0 { throw .malformed(path: path, detail: "not a JUnit report: no <testsuite> element") }
    }

    /// The merged report, ending with a newline.
    public func xml(name: String) -> String {
        let seconds = "\(milliseconds / 1000)." + String(1000 + milliseconds % 1000).dropFirst()
        let counts =
            "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(seconds)\""
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<testsuites name=\"\(name)\" \(counts)>"]
        for suite in suites { lines.append("  " + suite) }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The value of `name="..."` in an opening tag.
    private static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        let value = tag[start.upperBound...]
        guard let end = value.firstIndex(of: "\"") else { return nil }
        return String(value[..<end])
    }

    /// `S.mmm` seconds as milliseconds.
    private static func milliseconds(_ text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int(parts[0]), whole >= 0 else { return nil }
        guard parts.count == 2 else { return whole * 1000 }
        let fraction = String(parts[1].prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)
        guard parts[1].allSatisfy(\.isNumber), let thousandths = Int(fraction) else { return nil }
        return whole * 1000 + thousandths
    }
}
