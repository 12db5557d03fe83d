import RaftSimulation

/// A JUnit XML report, so that CI systems list each spec, fuzz run or corpus entry as a test case
/// and show a violation as its failure message.
///
/// The layout is the common subset that GitHub Actions reporters, GitLab, Jenkins and Buildkite
/// all read: `<testsuites>` holding one `<testsuite>` with `tests`, `failures`, `errors`, `skipped`
/// and `time` counts, each `<testcase>` with `name`, `classname` and `time`, and a `<failure>`
/// whose `message` is one line and whose body holds the details.
///
/// ```swift
/// let report = JUnitReport(suiteName: "raftlab check", cases: [
///     JUnitCase(name: "specs/three-servers.json", className: "raftlab.check", timeSeconds: 1.5),
///     JUnitCase(name: "specs/crashes.json", className: "raftlab.check", timeSeconds: 0.4,
///               failure: JUnitFailure(message: "election-safety at step 9: s1 and s3 both led term 3",
///                                     details: textRendering)),
/// ])
/// try report.write(to: path)  // RaftLabCLI: atomically, exit 73 on failure
/// ```
public struct JUnitReport: Hashable, Sendable {
    public var suiteName: String
    public var cases: [JUnitCase]

    public init(suiteName: String, cases: [JUnitCase] = []) {
        self.suiteName = suiteName
        self.cases = cases
    }

    public var failureCount: Int { cases.filter { $0.failure?.kind == .failure }.count }
    public var errorCount: Int { cases.filter { $0.failure?.kind == .error }.count }
    public var skippedCount: Int { cases.filter(\.skipped).count }
    public var totalSeconds: Double { cases.reduce(0) { $0 + $1.timeSeconds } }

    /// The report as an XML document, ending with a newline.
    public func xml() -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        let counts =
            "tests=\"\(cases.count)\" failures=\"\(failureCount)\" errors=\"\(errorCount)\" "
            + "skipped=\"\(skippedCount)\" time=\"\(Self.seconds(totalSeconds))\""
        lines.append("<testsuites name=\"\(XMLText.escape(suiteName))\" \(counts)>")
        lines.append("  <testsuite name=\"\(XMLText.escape(suiteName))\" \(counts)>")
        for testCase in cases {
            let opening =
                "    <testcase name=\"\(XMLText.escape(testCase.name))\" "
                + "classname=\"\(XMLText.escape(testCase.className))\" time=\"\(Self.seconds(testCase.timeSeconds))\""
            if let failure = testCase.failure {
                lines.append(opening + ">")
                let tag = failure.kind.rawValue
                let head =
                    "      <\(tag) message=\"\(XMLText.escape(failure.oneLineMessage))\" type=\"\(XMLText.escape(failure.type))\""
                if failure.details.isEmpty {
                    lines.append(head + "/>")
                } else {
                    lines.append(head + ">" + XMLText.escape(failure.details) + "</\(tag)>")
                }
                lines.append("    </testcase>")
            } else if testCase.skipped {
                lines.append(opening + ">")
                lines.append("      <skipped/>")
                lines.append("    </testcase>")
            } else {
                lines.append(opening + "/>")
            }
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Seconds with millisecond precision and no exponent, as JUnit readers expect (`1.250`).
    static func seconds(_ value: Double) -> String {
        let milliseconds = value.isFinite && value > 0 ? Int((value * 1000).rounded()) : 0
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// One test case: a spec checked, a fuzz run, a corpus entry replayed, a trace replayed.
public struct JUnitCase: Hashable, Sendable {
    /// What was tested: the spec or trace file.
    public var name: String
    /// The group CI shows it under, such as `raftlab.check`.
    public var className: String
    public var timeSeconds: Double
    /// Why it failed, or nil when it passed.
    public var failure: JUnitFailure?
    /// Whether it was not run at all.
    public var skipped: Bool

    public init(
        name: String, className: String, timeSeconds: Double = 0, failure: JUnitFailure? = nil, skipped: Bool = false
    ) {
        self.name = name
        self.className = className
        self.timeSeconds = timeSeconds
        self.failure = failure
        self.skipped = skipped
    }
}

/// Why a test case failed: a one-line message CI shows in its list, and the details (a rendered
/// counterexample, the replay command) it shows when the case is opened.
public struct JUnitFailure: Hashable, Sendable {
    /// `failure` for a property that did not hold; `error` when the case could not run
    /// (malformed spec, trace that no longer replays).
    public enum Kind: String, Hashable, Sendable {
        case failure, error
    }

    public var message: String
    public var details: String
    /// A short classification, such as the invariant identifier `election-safety`.
    public var type: String
    public var kind: Kind

    public init(message: String, details: String = "", type: String = "violation", kind: Kind = .failure) {
        self.message = message
        self.details = details
        self.type = type
        self.kind = kind
    }

    /// The message on one line: CI systems show the attribute in a single-line list.
    var oneLineMessage: String {
        message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

extension JUnitFailure {
    /// The failure for a violation: the invariant, step and sentence as the message, the text
    /// rendering of the counterexample as the details.
    public init(violation: Violation, in timeline: Timeline, reproduce command: String? = nil) {
        var details = TextRendering.render(timeline)
        if let command { details += "\nreproduce: \(command)\n" }
        self.init(
            message: "\(violation.invariant.rawValue) violated at step \(violation.step): "
                + ViolationWords.sentence(violation, in: timeline),
            details: details, type: violation.invariant.rawValue)
    }
}
