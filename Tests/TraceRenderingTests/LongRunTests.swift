import Foundation
import Testing

@testable import RaftCore
@testable import RaftSimulation
@testable import TraceRendering

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A run far longer than the standard window, laid out once for every test of the suite: the
/// 50,000 steps would take seconds to lay out again per test.
struct LongRun {
    static let stepCount = 50_000
    static let shared = LongRun()

    let timeline: Timeline
    /// What the builder reported while laying the run out, every 10,000 steps.
    let progress: [String]

    init() {
        var spec = WorldSpec.simulationDefault
        spec.maxDepth = Self.stepCount
        let rules = WorldRules(spec: spec)
        var driver = SeededChooser(seed: 1)
        let reports = Reports()
        var builder = TimelineBuilder(
            producer: "LongRunTests", spec: spec, mutant: nil, seed: 1, initialWorld: rules.initialWorld,
            expectedSteps: Self.stepCount
        ) { reports.lines.append($0.description) }
        builder.progressInterval = 10_000
        let result = try! rules.run(chooser: &driver, maxSteps: Self.stepCount) { _, action, world in
            builder.record(action, world)
        }
        timeline = builder.finish(violation: result.violation)
        progress = reports.lines
    }

    private final class Reports: @unchecked Sendable {
        var lines: [String] = []
    }
}

@Suite("Long runs render in bounded size")
struct LongRunTests {
    let timeline = LongRun.shared.timeline
    let window = TimelineWindow.standard

    @Test("The middle of a long run is summarized; its first and last steps are laid out in full")
    func laidOut() throws {
        #expect(timeline.stepCount == LongRun.stepCount)
        #expect(timeline.steps.count == window.fullSteps)
        let elided = try #require(timeline.elided)
        #expect(elided.first == window.headSteps + 1)
        #expect(elided.last == LongRun.stepCount - window.tailSteps)
        #expect(elided.actionCounts.reduce(0, +) == elided.count)
        #expect(timeline.steps.map(\.number) == Array(1...1000) + Array(49_001...50_000))
        #expect(timeline.world(after: elided.last) != nil)
        #expect(timeline.world(after: elided.last - 1) == nil)
    }

    @Test("Only the flights of the steps laid out are kept, and every step points at its own")
    func flights() throws {
        let elided = try #require(timeline.elided)
        for flight in timeline.flights {
            let shown = flight.sentAt < elided.first || flight.sentAt > elided.last
            #expect(shown || flight.endedAt.map { $0 > elided.last } ?? true)
        }
        #expect(timeline.flights.count < 3 * timeline.steps.count)
        for step in timeline.steps {
            switch step.action {
            case .deliver(let envelope), .drop(let envelope):
                let flight = timeline.flights[try #require(step.flight)]
                #expect(flight.envelope == envelope && flight.endedAt == step.number)
            default:
                break
            }
        }
        let inFlightAtEnd = timeline.flights.filter { $0.fate == .inFlight }.count
        #expect(inFlightAtEnd == timeline.steps.last!.world.network.count)
    }

    @Test("Text: one summary line where the elided steps would be, and the verdict for the whole run")
    func text() {
        let text = TextRendering.render(timeline)
        #expect(text.utf8.count < 1_000_000)
        let lines = TextRendering.table(timeline)
        #expect(lines.count == 1 + 1 + timeline.steps.count + 1)
        #expect(lines[2 + 1000].hasPrefix("  ...  steps 1001 to 49000 not shown (48000 steps: "))
        #expect(lines[2 + 1000 + 1].hasPrefix("49001  "))
        #expect(text.hasPrefix("trace: 50000 steps, 3 servers"))
        #expect(text.contains("verdict: ok, no invariant violated in 50000 steps\n"))
    }

    @Test("JSON: the steps laid out, each with its number, and the elided steps counted")
    func json() throws {
        let json = TimelineJSON.encode(timeline)
        #expect(json.encoded(pretty: false).utf8.count < 4_000_000)
        let steps = try #require(json["steps"]?.arrayValue)
        #expect(steps.count == 1 + timeline.steps.count)
        #expect(steps[1001]["number"]?.integerValue == 49_001)
        #expect(json["elided"]?["steps"]?.integerValue == 48_000)
        #expect(json["elided"]?["first"]?.integerValue == 1001)
        let counted = try #require(json["elided"]?["actions"]?.objectValue).compactMap(\.value.integerValue)
        #expect(counted.reduce(0, +) == 48_000)
    }

    @Test("Mermaid: one note for the elided steps")
    func mermaid() {
        let mermaid = MermaidRendering.render(timeline)
        #expect(mermaid.utf8.count < 500_000)
        #expect(mermaid.contains("    Note over s1,s3: steps 1001 to 49000 not shown (48000 steps: "))
        #expect(mermaid.contains(": 1000. ") && mermaid.contains(": 49001. ") && !mermaid.contains(": 1001. "))
    }

    @Test("HTML: a bounded, well-formed page with a row for the elided steps")
    func html() throws {
        let html = HTMLRendering.render(timeline, title: "long.json")
        #expect(html.utf8.count < 5_000_000)
        let parser = XMLParser(data: Data(html.utf8))
        #expect(parser.parse(), "XML error: \(String(describing: parser.parserError)) at line \(parser.lineNumber)")
        #expect(html.contains("<summary>The first 1000 and last 1000 of 50000 steps as text</summary>"))
        #expect(html.contains("<li class=\"elided\" value=\"1001\">steps 1001 to 49000 not shown (48000 steps: "))
        #expect(html.contains("<li data-step=\"49001\" value=\"49001\">"))
        #expect(!html.contains("<li data-step=\"1001\""))
    }

    @Test("Laying out a long run reports its progress")
    func progress() {
        #expect(
            LongRun.shared.progress == [10_000, 20_000, 30_000, 40_000, 50_000].map { "laid out \($0) of 50000 steps" })
    }
}

@Suite("Windows")
struct WindowTests {
    @Test("A run that fits the window is laid out in full")
    func fits() throws {
        let trace = try CorpusExamples.trace(CorpusExamples.everyKind)
        let full = Timeline(replaying: trace)
        let window = TimelineWindow(headSteps: 20, tailSteps: trace.actions.count - 20)
        let exact = Timeline(replaying: trace, window: window)
        #expect(exact.elided == nil)
        #expect(TextRendering.render(exact) == TextRendering.render(full))
        #expect(TimelineJSON.encode(exact) == TimelineJSON.encode(full))
    }

    /// The window changes which steps are shown, never what a shown step says: every step kept is
    /// what the full timeline says about it, its message included.
    @Test("A windowed timeline lays out the steps it keeps as the full timeline does")
    func windowed() throws {
        let trace = try CorpusExamples.trace(CorpusExamples.everyKind)
        let full = Timeline(replaying: trace)
        let windowed = Timeline(replaying: trace, window: TimelineWindow(headSteps: 6, tailSteps: 9))
        let elided = try #require(windowed.elided)
        #expect(elided.first == 7 && elided.last == 41)
        #expect(windowed.steps.map(\.number) == Array(1...6) + Array(42...50))
        let fullSteps = try #require(TimelineJSON.encode(full)["steps"]?.arrayValue)
        let fullFlights = try #require(TimelineJSON.encode(full)["flights"]?.arrayValue)
        let windowedJSON = TimelineJSON.encode(windowed)
        let flights = try #require(windowedJSON["flights"]?.arrayValue)
        for kept in try #require(windowedJSON["steps"]?.arrayValue) {
            let number = try #require(kept["number"]?.integerValue)
            let original = fullSteps[number]
            #expect(without("flight", kept) == without("flight", original))
            if let position = kept["flight"]?.integerValue {
                let originalPosition = try #require(original["flight"]?.integerValue)
                #expect(without("copyOf", flights[position]) == without("copyOf", fullFlights[originalPosition]))
            }
        }
        let fullRows = Dictionary(uniqueKeysWithValues: rowsByStep(TextRendering.table(full)))
        for (number, row) in rowsByStep(TextRendering.table(windowed)) where number != "..." {
            #expect(row == fullRows[number], "row of step \(number)")
        }
        #expect(windowedJSON["violation"] == TimelineJSON.encode(full)["violation"])
        #expect(TextRendering.verdict(windowed) == TextRendering.verdict(full))
        #expect(
            TextRendering.table(windowed)[2 + 6].hasPrefix(" ...  steps 7 to 41 not shown (35 steps: "))
    }

    @Test("The violating step keeps its words when it is the only step after the elided ones")
    func lastStepOnly() throws {
        let trace = try CorpusExamples.trace(CorpusExamples.short)
        let full = Timeline(replaying: trace)
        let windowed = Timeline(replaying: trace, window: TimelineWindow(headSteps: 0, tailSteps: 1))
        #expect(windowed.steps.map(\.number) == [12])
        #expect(TextRendering.verdict(windowed) == TextRendering.verdict(full))
        #expect(TextRendering.table(windowed).last!.hasPrefix("! 12  follower  t1 c0 [] v:s3"))
    }

    /// The rows of a step table as their words, by step number: column widths differ between
    /// tables, cells and change marks do not.
    private func rowsByStep(_ table: [String]) -> [(String, [Substring])] {
        table.dropFirst().map { row in
            let words = row.split(separator: " ")
            return (String(words[0] == "!" ? words[1] : words[0]), words)
        }
    }

    private func without(_ key: String, _ value: JSONValue) -> JSONValue {
        .object((value.objectValue ?? []).filter { $0.key != key })
    }
}
