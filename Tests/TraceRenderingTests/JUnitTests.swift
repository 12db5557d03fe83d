import Foundation
import Testing

@testable import RaftCore
@testable import RaftSimulation
@testable import TraceRendering

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("JUnit reports")
struct JUnitTests {
    @Test(
        "XML escaping",
        arguments: [
            ("a & b", "a &amp; b"), ("<tag attr=\"v\">", "&lt;tag attr=&quot;v&quot;&gt;"), ("it's", "it&apos;s"),
            ("line\nnext\ttab", "line\nnext\ttab"), ("cr\r", "cr&#13;"),
            ("nul\u{0}bell\u{7}", "nul\u{FFFD}bell\u{FFFD}"),
            ("s1->s2 [1:x=1]", "s1-&gt;s2 [1:x=1]"), ("ünïcødé ✓", "ünïcødé ✓"),
        ])
    func escaping(_ raw: String, _ escaped: String) {
        #expect(XMLText.escape(raw) == escaped)
    }

    @Test("A report is valid XML with the right counts, names and failure messages")
    func report() throws {
        let timeline = try CorpusExamples.timeline(CorpusExamples.short)
        let violation = try #require(timeline.violation)
        let report = JUnitReport(
            suiteName: "raftlab check",
            cases: [
                JUnitCase(name: "specs/three.json", className: "raftlab.check", timeSeconds: 1.25),
                JUnitCase(
                    name: "specs/<odd> & \"name\".json", className: "raftlab.check", timeSeconds: 0.0004,
                    failure: JUnitFailure(violation: violation, in: timeline, reproduce: "raftlab replay t.json")),
                JUnitCase(
                    name: "specs/bad.json", className: "raftlab.check",
                    failure: JUnitFailure(message: "bad spec\nsecond line", type: "bad-input", kind: .error)),
                JUnitCase(name: "specs/later.json", className: "raftlab.check", skipped: true),
            ])
        let xml = report.xml()
        let document = try parse(xml)
        let suites = try #require(document.rootElement())
        #expect(suites.name == "testsuites")
        let suite = try #require(suites.elements(forName: "testsuite").first)
        #expect(suite.attribute(forName: "tests")?.stringValue == "4")
        #expect(suite.attribute(forName: "failures")?.stringValue == "1")
        #expect(suite.attribute(forName: "errors")?.stringValue == "1")
        #expect(suite.attribute(forName: "skipped")?.stringValue == "1")
        #expect(suite.attribute(forName: "time")?.stringValue == "1.250")
        let cases = suite.elements(forName: "testcase")
        #expect(cases.count == 4)
        #expect(cases[1].attribute(forName: "name")?.stringValue == "specs/<odd> & \"name\".json")
        let failure = try #require(cases[1].elements(forName: "failure").first)
        #expect(
            failure.attribute(forName: "message")?.stringValue
                == "election-safety violated at step 12: s2 and s3 both led term 1")
        #expect(failure.attribute(forName: "type")?.stringValue == "election-safety")
        #expect(failure.stringValue?.contains("! 12  follower") == true)
        #expect(failure.stringValue?.hasSuffix("reproduce: raftlab replay t.json\n") == true)
        let error = try #require(cases[2].elements(forName: "error").first)
        #expect(error.attribute(forName: "message")?.stringValue == "bad spec second line")
        #expect(cases[3].elements(forName: "skipped").count == 1)
        #expect(cases[0].childCount == 0)
    }

    @Test("An empty report is valid and counts nothing")
    func empty() throws {
        let document = try parse(JUnitReport(suiteName: "raftlab corpus").xml())
        #expect(document.rootElement()?.attribute(forName: "tests")?.stringValue == "0")
    }

    @Test("Seconds have three decimals and no exponent")
    func seconds() {
        #expect(JUnitReport.seconds(0) == "0.000")
        #expect(JUnitReport.seconds(1e-9) == "0.000")
        #expect(JUnitReport.seconds(61.5) == "61.500")
        #expect(JUnitReport.seconds(.nan) == "0.000")
    }

    private func parse(_ xml: String) throws -> XMLDocument {
        try XMLDocument(data: Data(xml.utf8), options: [])
    }
}
