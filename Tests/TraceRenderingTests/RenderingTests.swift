import Foundation
import RaftTestSupport
import Testing

@testable import RaftCore
@testable import RaftSimulation
@testable import TraceRendering

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Text and Mermaid renderings match their golden files")
struct GoldenTests {
    @Test("Text rendering", arguments: [CorpusExamples.everyKind, CorpusExamples.short])
    func text(_ name: String) throws {
        let actual = TextRendering.render(try CorpusExamples.timeline(name))
        #expect(actual == (try Golden.expected("\(name).txt", actual: actual)))
    }

    @Test("Mermaid rendering", arguments: [CorpusExamples.everyKind, CorpusExamples.short])
    func mermaid(_ name: String) throws {
        let actual = MermaidRendering.render(try CorpusExamples.timeline(name))
        #expect(actual == (try Golden.expected("\(name).md", actual: actual)))
    }
}

@Suite("Timelines")
struct TimelineTests {
    @Test("A replayed trace has a world per step and the recorded verdict")
    func replayed() throws {
        let trace = try CorpusExamples.trace(CorpusExamples.everyKind)
        let timeline = Timeline(replaying: trace)
        #expect(timeline.steps.count == trace.actions.count)
        #expect(timeline.steps.map(\.action) == trace.actions)
        #expect(timeline.violation == trace.violation)
        #expect(timeline.divergence == nil)
    }

    @Test("Every delivery and drop is matched with the earlier step that sent the message")
    func flights() throws {
        let timeline = try CorpusExamples.timeline(CorpusExamples.everyKind)
        for step in timeline.steps {
            switch step.action {
            case .deliver(let envelope), .drop(let envelope):
                let flight = timeline.flights[try #require(step.flight)]
                #expect(flight.envelope == envelope)
                #expect(flight.sentAt < step.number)
                #expect(flight.endedAt == step.number)
                #expect(flight.fate == (step.action.kind == .deliver ? .delivered : .dropped))
            case .duplicate:
                #expect(timeline.flights.contains { $0.copyOf == step.flight && $0.sentAt == step.number })
            default:
                #expect(step.flight == nil)
            }
        }
        let inFlightAtEnd = timeline.flights.filter { $0.fate == .inFlight }.count
        #expect(inFlightAtEnd == timeline.steps.last!.world.network.count)
    }

    @Test("A trace that no longer replays renders up to the divergence")
    func diverged() throws {
        var trace = try CorpusExamples.trace(CorpusExamples.short)
        trace.actions.insert(.restart(s1), at: 3)
        let timeline = Timeline(replaying: trace)
        #expect(timeline.steps.count == 3)
        #expect(timeline.divergence?.step == 4)
        #expect(
            TextRendering.render(timeline).contains("diverged at step 4: recorded action restart s1 is not enabled"))
    }

    @Test("The text has a row per step, the initial world and the violation in words")
    func textRows() throws {
        let timeline = try CorpusExamples.timeline(CorpusExamples.short)
        let table = TextRendering.table(timeline)
        #expect(table.count == 1 + 1 + timeline.steps.count)
        #expect(table.last!.hasPrefix("! 12  follower  t1 c0 [] v:s3"))
        #expect(TextRendering.render(timeline).contains("  s2 and s3 both led term 1\n"))
    }
}

@Suite("HTML rendering")
struct HTMLTests {
    let timeline: Timeline
    let html: String

    init() throws {
        timeline = try CorpusExamples.timeline(CorpusExamples.everyKind)
        html = HTMLRendering.render(timeline, title: "corpus/examples/<every> & \"kind\".json")
    }

    @Test("The page is well-formed XML")
    func wellFormed() throws {
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
        let parser = XMLParser(data: Data(html.utf8))
        let parsed = parser.parse()
        #expect(parsed, "XML error: \(String(describing: parser.parserError)) at line \(parser.lineNumber)")
    }

    @Test("The page carries every step, as list items and as embedded data")
    func everyStep() throws {
        for step in timeline.steps {
            #expect(html.contains("<li data-step=\"\(step.number)\""))
        }
        let json = try embeddedData()
        let steps = try #require(json["steps"]?.arrayValue)
        #expect(steps.count == timeline.steps.count + 1)
        for (offset, step) in timeline.steps.enumerated() {
            #expect(steps[offset + 1]["action"]?.stringValue == ActionText.describe(step.action))
            #expect(steps[offset + 1]["servers"]?.arrayValue?.count == timeline.serverCount)
        }
        #expect(json["violation"]?["invariant"]?.stringValue == "leader-completeness")
        #expect(json["flights"]?.arrayValue?.count == timeline.flights.count)
    }

    @Test("Each server's full state is in the data: role data, disk and state machine")
    func fullState() throws {
        let steps = try #require(try embeddedData()["steps"]?.arrayValue)
        let leader = try #require(steps[50]["servers"]?.arrayValue?[2])
        #expect(leader["role"]?.stringValue == "leader")
        #expect(leader["nextIndex"]?.arrayValue?.count == 3)
        #expect(leader["disk"]?["log"]?.arrayValue?.count == 2)
        #expect(leader["stateMachine"] != nil)
    }

    @Test("The page needs no network and escapes what it shows")
    func selfContained() {
        for forbidden in ["src=", "href=", "@import", "url(http", "<link"] { #expect(!html.contains(forbidden)) }
        // The only addresses are the XHTML and SVG namespace names, which are never fetched.
        let addresses = html.components(separatedBy: "http").dropFirst()
        #expect(addresses.allSatisfy { $0.hasPrefix("://www.w3.org/") })
        #expect(html.contains("corpus/examples/&lt;every&gt; &amp; &quot;kind&quot;.json"))
        #expect(!HTMLPageScript.drawing.contains("]]>") && !HTMLPageScript.drawing.contains("</script"))
    }

    private func embeddedData() throws -> JSONValue {
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"timeline-data\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        return try JSONValue.parse(String(html[start.upperBound..<end.lowerBound]))
    }
}
