import Testing

@testable import RaftCore
@testable import RaftSimulation
@testable import TraceRendering

/// `show`'s text view of the session clients' history (issue 15, item 4).
@Suite("The clients' history in the text rendering")
struct ClientHistoryRenderingTests {
    /// A put that completed, then a get invoked after it that never got an answer.
    static func timeline() -> Timeline {
        var spec = WorldSpec.simulationDefault
        spec.turnOnClients(2)
        let rules = WorldRules(spec: spec)
        var world = rules.initialWorld
        var steps: [(action: Action, world: World)] = []
        func take(_ action: Action) {
            world = rules.successor(of: world, taking: action)
            steps.append((action, world))
        }
        take(.electionTimeout(NodeID(0)))
        while let envelope = world.network.first { take(.deliver(envelope)) }
        take(.client(.invoke(rules.defaultSessionCommand(for: 0, in: world)!)))
        while let message = world.clients!.inFlight.first { take(.client(.deliver(message))) }
        while let envelope = world.network.first { take(.deliver(envelope)) }
        while let message = world.clients!.inFlight.first { take(.client(.deliver(message))) }
        take(.client(.invoke(rules.defaultSessionCommand(for: 1, in: world)!)))
        return Timeline(
            producer: "test", spec: spec, mutant: nil, seed: nil, initialWorld: rules.initialWorld, steps: steps,
            violation: nil)
    }

    @Test("Each operation is a line with its result and its interval on the history's clock")
    func historyLines() {
        let lines = TextRendering.clientHistory(Self.timeline())
        #expect(
            lines == [
                "client history (each operation from invocation to reply on the history's clock, 1 to 3):",
                "  c1#1:put(x,11)=ok (1-2)  []",
                "  c2#1:get(x)=? (3-?)        [>",
                "",
            ])
        #expect(TextRendering.render(Self.timeline()).contains("c1#1:put(x,11)=ok (1-2)"))
    }

    @Test("A world without clients renders no history section")
    func noClientsNoSection() {
        let spec = WorldSpec.simulationDefault
        let rules = WorldRules(spec: spec)
        let timeline = Timeline(
            producer: "test", spec: spec, mutant: nil, seed: nil, initialWorld: rules.initialWorld,
            steps: [
                (
                    .electionTimeout(NodeID(0)),
                    rules.successor(of: rules.initialWorld, taking: .electionTimeout(NodeID(0)))
                )
            ],
            violation: nil)
        #expect(TextRendering.clientHistory(timeline).isEmpty)
        #expect(!TextRendering.render(timeline).contains("client history"))
    }

    @Test("The HTML page draws each operation as a bar on a time axis, open for one never answered")
    func htmlIntervals() {
        let page = HTMLRendering.render(Self.timeline(), title: "clients")
        #expect(page.contains("<section id=\"clients\""))
        #expect(page.components(separatedBy: "<g class=\"operation\"").count == 3)
        #expect(page.contains("c2#1:get(x)=? (3-?)"))
        #expect(page.contains("fill=\"#e8b04a\""))
        let plain = HTMLRendering.render(
            Timeline(
                producer: "test", spec: .simulationDefault, mutant: nil, seed: nil,
                initialWorld: WorldRules(spec: .simulationDefault).initialWorld, steps: [], violation: nil),
            title: "plain")
        #expect(!plain.contains("client-history"))
    }
}
