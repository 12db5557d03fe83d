/// The lines that differ between `expected` and `actual`, as a failing golden test shows them.
///
/// `-` marks an expected line that is missing, `+` an actual line that is new; up to `context`
/// unchanged lines surround each change, and `@@ line N` (of `expected`) starts each hunk.
/// Empty when the two are equal.
///
/// A longest-common-subsequence diff: golden files are short, so its quadratic table is cheap,
/// and it pairs unchanged lines as a person would.
public func lineDiff(expected: [String], actual: [String], context: Int = 2) -> String {
    if expected == actual { return "" }
    // common[i][j]: the longest common subsequence of expected[i...] and actual[j...].
    var common = Array(repeating: Array(repeating: 0, count: actual.count + 1), count: expected.count + 1)
    for i in stride(from: expected.count - 1, through: 0, by: -1) {
        for j in stride(from: actual.count - 1, through: 0, by: -1) {
            common[i][j] =
                expected[i] == actual[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
        }
    }
    // Each line of the edit script, with the expected line number it sits at.
    var script: [(mark: Character, text: String, expectedLine: Int)] = []
    var i = 0
    var j = 0
    while i < expected.count || j < actual.count {
        if i < expected.count && j < actual.count && expected[i] == actual[j] {
            script.append((" ", expected[i], i + 1))
            i += 1
            j += 1
        } else if i < expected.count && (j == actual.count || common[i + 1][j] >= common[i][j + 1]) {
            script.append(("-", expected[i], i + 1))
            i += 1
        } else {
            script.append(("+", actual[j], i + 1))
            j += 1
        }
    }
    let changed = script.indices.filter { script[$0].mark != " " }
    var shown: [String] = []
    var lastShown = -1
    for index in changed {
        let start = max(index - context, lastShown + 1)
        if start > lastShown + 1 || lastShown == -1 { shown.append("@@ line \(script[start].expectedLine)") }
        for line in start...index where line > lastShown {
            shown.append("\(script[line].mark) \(script[line].text)")
        }
        lastShown = index
        let end = min(index + context, script.count - 1)
        // Trailing context is added when the next change is not within reach.
        if let next = changed.first(where: { $0 > index }), next - context <= end + 1 { continue }
        if end > index {
            for line in (index + 1)...end { shown.append("\(script[line].mark) \(script[line].text)") }
            lastShown = end
        }
    }
    return shown.joined(separator: "\n")
}

/// `lineDiff(expected:actual:)` of two texts, split into lines.
public func lineDiff(expected: String, actual: String, context: Int = 2) -> String {
    func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
    return lineDiff(expected: lines(expected), actual: lines(actual), context: context)
}
