import Foundation
import Testing

@testable import RaftCore
@testable import RaftSimulation

/// Drives a world one named step at a time and records each step's coverage row.
private struct Script {
    let rules = WorldRules(spec: WorldSpec.simulationDefault)
    var world: World
    var rows: [CoverageRow?] = []

    init() { world = rules.initialWorld }

    /// Takes `action` (which must be enabled) and returns its row.
    @discardableResult
    mutating func take(_ action: Action) -> CoverageRow? {
        #expect(rules.isEnabled(action, in: world), "\(ActionText.describe(action)) is not enabled")
        let subject = CoverageClassifier.subject(of: action)
        let before = subject.flatMap { world.servers[$0.index].node }
        rules.apply(action, to: &world)
        let row = CoverageClassifier.row(of: action, before: before, after: world)
        rows.append(row)
        return row
    }

    /// Delivers the message in flight from `from` to `to` whose kind `matches` says.
    @discardableResult
    mutating func deliver(_ from: Int, _ to: Int, _ matches: (Message) -> Bool) -> CoverageRow? {
        let envelope = world.network.first { $0.from == NodeID(from) && $0.to == NodeID(to) && matches($0.message) }
        guard let envelope else {
            Issue.record("no such message from \(from) to \(to)")
            return nil
        }
        return take(.deliver(envelope))
    }

    mutating func request(_ server: Int) {
        take(.clientRequest(NodeID(server), rules.nextCommand(in: world)))
    }

    /// Server `server` times out and wins its election with `voter`'s vote.
    mutating func elect(_ server: Int, voter: Int) {
        take(.electionTimeout(NodeID(server)))
        deliver(server, voter) { if case .requestVote = $0 { true } else { false } }
        deliver(voter, server) { if case .requestVoteResponse = $0 { true } else { false } }
    }
}

private func isAppend(_ message: Message) -> Bool {
    if case .appendEntries(let request) = message { !request.entries.isEmpty } else { false }
}

private func isHeartbeat(_ message: Message) -> Bool {
    if case .appendEntries(let request) = message { request.entries.isEmpty } else { false }
}

private func isVoteRequest(_ message: Message) -> Bool {
    if case .requestVote = message { true } else { false }
}

@Suite("Protocol coverage: the classifier both explorers share")
struct CoverageTests {
    @Test("A leader's uncommitted entry is truncated by the next term's leader (Figure 2, AppendEntries rule 3)")
    func truncation() {
        var script = Script()
        script.elect(0, voter: 1)
        #expect(script.rows.last == CoverageRow(role: .candidate, input: .requestVoteResponse, outcome: .electionWon))
        // Server 0 appends an entry of term 1 that never leaves it.
        script.request(0)
        #expect(script.rows.last == CoverageRow(role: .leader, input: .clientRequest, outcome: .appended))
        // Server 2 learns of term 1 from a heartbeat, then, with an empty log, wins term 2 with
        // server 1's vote and appends its own entry.
        #expect(
            script.deliver(0, 2, isHeartbeat) == CoverageRow(role: .follower, input: .heartbeat, outcome: .accepted))
        script.elect(2, voter: 1)
        script.request(2)
        // Its AppendEntries reaches server 0, which steps down and loses the term-1 entry.
        let row = script.deliver(2, 0, isAppend)
        #expect(row == CoverageRow(role: .leader, input: .appendEntries, outcome: .truncatedConflict))
        #expect(script.world.servers[0].node!.log.lastTerm == 2)
    }

    @Test("Votes refused by the log check and by a vote already cast; a stale reply ignored (section 5.4.1, 5.2, 5.1)")
    func refusedVotes() {
        var script = Script()
        script.elect(0, voter: 1)
        #expect(script.rows[1] == CoverageRow(role: .follower, input: .requestVote, outcome: .granted))
        script.request(0)
        script.deliver(0, 1, isAppend)
        #expect(script.rows.last == CoverageRow(role: .follower, input: .appendEntries, outcome: .appended))
        // Server 2 learns of term 1 from a heartbeat, with an empty log: server 1, which holds the
        // term-1 entry, refuses it in term 2.
        script.deliver(0, 2, isHeartbeat)
        script.take(.electionTimeout(NodeID(2)))
        let refused = script.deliver(2, 1, isVoteRequest)
        #expect(refused == CoverageRow(role: .follower, input: .requestVote, outcome: .refusedLogCheck))
        // Server 1 campaigns in term 3 and votes for itself; server 2's term-3 request comes too late.
        script.take(.electionTimeout(NodeID(1)))
        script.take(.electionTimeout(NodeID(2)))
        let again = script.deliver(2, 1) { message in
            if case .requestVote(let request) = message { request.term == 3 } else { false }
        }
        #expect(again == CoverageRow(role: .candidate, input: .requestVote, outcome: .refusedAlreadyVoted))
        // Server 1's term-2 refusal reaches server 2, now in term 3.
        let stale = script.deliver(1, 2) { message in
            if case .requestVoteResponse(let response) = message { response.term == 2 } else { false }
        }
        #expect(stale == CoverageRow(role: .candidate, input: .requestVoteResponse, outcome: .ignoredStaleTerm))
    }

    @Test("A restarted server's row says whether it recovered a log from its disk")
    func restart() {
        var script = Script()
        #expect(script.take(.crash(NodeID(1))) == CoverageRow(role: .follower, input: .crash, outcome: .crashed))
        #expect(script.take(.restart(NodeID(1))) == CoverageRow(role: .down, input: .restart, outcome: .restartedEmpty))
        script.elect(0, voter: 1)
        script.request(0)
        script.deliver(0, 1, isAppend)
        script.take(.crash(NodeID(1)))
        #expect(script.take(.restart(NodeID(1))) == CoverageRow(role: .down, input: .restart, outcome: .recoveredLog))
        // Network faults have no row.
        #expect(script.take(.partition(Partition.namedSide(ofSplit: 0))) == nil)
    }

    @Test("The rows are a fixed list without duplicates; each row knows its position")
    func rows() {
        #expect(Set(CoverageRow.all).count == CoverageRow.all.count)
        for (position, row) in CoverageRow.all.enumerated() { #expect(row.position == position) }
        #expect(CoverageRow(role: .down, input: .requestVote, outcome: .granted).position == nil)
    }

    @Test("The JSON lists every row in the fixed order, never-hit rows with count 0")
    func json() throws {
        var table = CoverageTable()
        var script = Script()
        script.take(.electionTimeout(NodeID(0)))
        table.count(.electionTimeout(NodeID(0)), before: RaftNode(id: NodeID(0), serverCount: 3), after: script.world)
        var doubled = table
        doubled.add(table)
        guard case .array(let items) = try #require(doubled.json["rows"]) else {
            Issue.record("rows is not an array")
            return
        }
        #expect(items.count == CoverageRow.all.count)
        let started = CoverageRow(role: .follower, input: .electionTimeout, outcome: .electionStarted)
        guard case .object(let members) = items[started.position!] else {
            Issue.record("a row is not an object")
            return
        }
        #expect(members.map(\.key) == ["role", "input", "outcome", "count"])
        #expect(
            members.map(\.value) == [
                .string("follower"), .string("electionTimeout"), .string("election started"), .integer(2),
            ])
        #expect(doubled.rowsNeverHit.count == CoverageRow.all.count - 1)
    }
}
