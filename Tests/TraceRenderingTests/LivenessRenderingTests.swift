import Foundation
import RaftCore
import RaftSimulation
import RaftTestSupport
import Testing

@testable import TraceRendering

/// A saved liveness failure renders with a verdict that says liveness, what was missing and the
/// budget, in every format, in place of "ok".
@Suite("Rendering a liveness failure")
struct LivenessRenderingTests {
    static let path = Repository.path("corpus/mutants/ignore-higher-term.json")

    static func trace() throws -> Trace { try Trace.decode(String(contentsOfFile: path, encoding: .utf8)) }

    @Test("Text, Mermaid, HTML and JSON all give the liveness verdict with its detail and budget")
    func everyFormat() throws {
        let trace = try Self.trace()
        let liveness = try #require(trace.liveness)
        let timeline = Timeline(replaying: trace)
        #expect(timeline.liveness == liveness)
        #expect(timeline.violation == nil && timeline.divergence == nil)

        let budget =
            "budget: liveness phase from step \(liveness.phaseStartStep): 5000 of 5000 ticks; the budget ran out"
        let text = TextRendering.verdict(timeline)
        #expect(
            text == [
                "LIVENESS failure at step \(liveness.step):", "  " + liveness.detail, "  " + budget,
                "  rule: " + LivenessWords.rule,
            ])
        let mermaid = MermaidRendering.render(timeline)
        #expect(mermaid.contains("LIVENESS failure at step \(liveness.step): \(liveness.detail) (budget: "))
        let html = HTMLRendering.render(timeline, title: "liveness")
        #expect(html.contains("<p class=\"verdict violation liveness\" id=\"verdict\" data-step=\"\(liveness.step)\">"))
        #expect(!html.contains("no invariant violated"))
        let json = TimelineJSON.encode(timeline)
        #expect(json["liveness"]?["detail"] == .string(liveness.detail))
        #expect(json["liveness"]?["budgetTicks"] == .integer(5000))
    }

    @Test("A trace that stops before its last step shows no liveness verdict")
    func notReproduced() throws {
        var trace = try Self.trace()
        trace.actions.removeLast(10)
        let timeline = Timeline(replaying: trace)
        #expect(timeline.liveness == nil)
        #expect(TextRendering.verdict(timeline).first?.hasPrefix("verdict: ok") == true)
    }
}
