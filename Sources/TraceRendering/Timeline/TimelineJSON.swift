import RaftCore
import RaftSimulation

/// A timeline as JSON: every step with every server's full state, every message's path, and the
/// violation in words.
///
/// `show --format json` prints it and the HTML page embeds it.
///
/// Format `raftlab-timeline` version 1. Unlike a trace, it is derived data: it can always be
/// regenerated from the trace, so it is never read back.
///
/// A timeline that elides the middle of a long run (`TimelineWindow`) lists only the steps it lays
/// out, each with its `number`, and adds an `elided` member after `steps`: the first and last step
/// elided, how many, their actions counted by kind, the leaders elected and entries committed in
/// them, and the same summary in words. Without it, `steps[i].number == i`.
public enum TimelineJSON {
    public static let formatName = "raftlab-timeline"
    public static let formatVersion = 1

    public static func encode(_ timeline: Timeline) -> JSONValue {
        var steps: [JSONValue] = [
            step(
                number: 0, kind: "initial", text: "initial state", events: [], flight: nil, world: timeline.initialWorld
            )
        ]
        for item in timeline.steps {
            steps.append(
                step(
                    number: item.number, kind: item.action.kind.rawValue, text: ActionText.describe(item.action),
                    events: item.events, flight: item.flight, world: item.world, action: item.action))
        }
        var members: [(key: String, value: JSONValue)] = [
            ("format", .string(formatName)), ("version", .integer(formatVersion)),
            ("producer", .string(timeline.producer)), ("spec", SpecCodec.encode(timeline.spec)),
            ("mutant", timeline.mutant.map { .string($0.name) } ?? .null),
            ("seed", timeline.seed.map { .string(String($0)) } ?? .null),
            ("servers", .array(NodeID.all(timeline.serverCount).map(name))),
            ("steps", .array(steps)),
        ]
        if let elided = timeline.elided { members.append(("elided", describe(elided))) }
        members += [
            ("flights", .array(timeline.flights.map(flight))),
            ("violation", timeline.violation.map { describe($0, in: timeline) } ?? .null),
            ("divergence", timeline.divergence.map { .string($0.description) } ?? .null),
        ]
        if let liveness = timeline.liveness {
            members.append(
                (
                    "liveness",
                    .object([
                        ("step", .integer(liveness.step)), ("phaseStartStep", .integer(liveness.phaseStartStep)),
                        ("budgetTicks", .integer(liveness.budgetTicks)), ("ticks", .integer(liveness.ticks)),
                        ("stepLimitReached", .bool(liveness.stepLimitReached)), ("detail", .string(liveness.detail)),
                        ("rule", .string(LivenessWords.rule)),
                    ])
                ))
        }
        return .object(members)
    }

    /// The elided middle of a long run: its range, its size, and its actions and events counted.
    private static func describe(_ elided: ElidedSteps) -> JSONValue {
        .object([
            ("first", .integer(elided.first)), ("last", .integer(elided.last)), ("steps", .integer(elided.count)),
            (
                "actions",
                .object(
                    Action.Kind.allCases.filter { elided.count(of: $0) > 0 }.map {
                        ($0.rawValue, .integer(elided.count(of: $0)))
                    })
            ),
            ("leadersElected", .integer(elided.leadersElected)),
            ("entriesCommitted", .integer(elided.entriesCommitted)),
            ("summary", .string(elided.summary)),
        ])
    }

    private static func name(_ node: NodeID) -> JSONValue { .string(node.description) }

    private static func step(
        number: Int, kind: String, text: String, events: [StepEvent], flight: Int?, world: World, action: Action? = nil
    ) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("number", .integer(number)), ("kind", .string(kind)), ("action", .string(text)),
        ]
        members.append(("actor", actors(of: action)))
        members.append(("flight", flight.map(JSONValue.integer) ?? .null))
        members.append(("events", .array(events.map { .string($0.description) })))
        members.append(("servers", .array(world.servers.indices.map { server(world, $0) })))
        members.append(("network", .array(world.network.map { .string(ActionText.describe($0)) })))
        members.append(("partition", world.partition.map { .array($0.members.map(name)) } ?? .null))
        members.append(("leaders", leaders(world)))
        members.append(("committed", .array(world.ghost.committed.map { .string($0.entry.description) })))
        members.append(
            (
                "spent",
                .object(
                    [
                        ("clientRequests", .integer(world.spent.clientRequests)),
                        ("crashes", .integer(world.spent.crashes)),
                        ("drops", .integer(world.spent.drops)), ("duplicates", .integer(world.spent.duplicates)),
                        ("partitions", .integer(world.spent.partitions)),
                    ] + (world.spent.snapshots > 0 ? [("snapshots", .integer(world.spent.snapshots))] : []))
            ))
        return .object(members)
    }

    /// The servers an action happens on, for drawing its mark: the receiver of a message, the
    /// server of a timer, request, crash or restart, the isolated side of a partition.
    private static func actors(of action: Action?) -> JSONValue {
        switch action {
        case .deliver(let envelope), .drop(let envelope), .duplicate(let envelope): .array([name(envelope.to)])
        case .electionTimeout(let node), .heartbeatTimeout(let node), .clientRequest(let node, _), .crash(let node),
            .restart(let node), .proposeChange(let node, _), .takeSnapshot(let node):
            .array([name(node)])
        case .partition(let side): .array(side.members.map(name))
        case .client(let action): .array(action.server.map { [name($0)] } ?? [])
        case .heal, nil: .array([])
        }
    }

    /// Every server's full state: the running process (role with its data, term, vote, log, commit
    /// and apply indexes), its disk, and its state machine.
    private static func server(_ world: World, _ index: Int) -> JSONValue {
        let server = world.servers[index]
        var members: [(key: String, value: JSONValue)] = [("name", name(NodeID(index))), ("up", .bool(server.isUp))]
        if let node = server.node {
            members.append(("role", .string(node.role.kind.rawValue)))
            members.append(("term", .integer(node.currentTerm)))
            members.append(("votedFor", node.votedFor.map(name) ?? .null))
            members.append(("commitIndex", .integer(node.commitIndex)))
            members.append(("lastApplied", .integer(node.lastApplied)))
            members.append(("log", log(node.log)))
            // Only after compaction, so that a timeline without snapshots reads as it always did.
            if let snapshot = node.snapshot {
                members.append(("snapshot", .string(snapshot.description)))
                members.append(("logBase", .integer(node.log.baseIndex)))
            }
            switch node.role {
            case .follower(let leader): members.append(("knownLeader", leader.map(name) ?? .null))
            case .preCandidate(let votes): members.append(("preVotesGranted", .array(votes.members.map(name))))
            case .candidate(let votes): members.append(("votesGranted", .array(votes.members.map(name))))
            case .leader(let progress):
                members.append(("nextIndex", .array(progress.nextIndex.map(JSONValue.integer))))
                members.append(("matchIndex", .array(progress.matchIndex.map(JSONValue.integer))))
                if node.options.checkQuorum {
                    members.append(("recentlyActive", .array(progress.recentlyActive.members.map(name))))
                }
                // Flow control exists only with pipelining; Figure 2's timelines stay as they were.
                if progress.isPipelined {
                    members.append(
                        ("flow", .array(progress.flow.map { .string($0 == .replicate ? "replicate" : "probe") })))
                    members.append(
                        ("inflight", .array(progress.inflight.map { .array($0.map(JSONValue.integer)) })))
                }
                // ReadIndex's waiting gets (the thesis, section 6.4), only with it on.
                if node.options.readIndex {
                    members.append(
                        (
                            "pendingReads",
                            .array(
                                progress.reads.pending.map {
                                    .string(
                                        "\($0.command) "
                                            + ($0.isDeferred ? "deferred" : "index \($0.readIndex) round \($0.round)"))
                                })
                        ))
                }
            }
        } else {
            members.append(("role", .string("down")))
            members.append(("term", .integer(server.disk.currentTerm)))
        }
        members.append(
            (
                "disk",
                .object(
                    [
                        ("term", .integer(server.disk.currentTerm)),
                        ("votedFor", server.disk.votedFor.map(name) ?? .null),
                        ("log", log(server.disk.log)),
                    ]
                        + (server.disk.snapshot.map {
                            [("snapshot", .string($0.description)), ("logBase", .integer(server.disk.log.baseIndex))]
                        } ?? []))
            ))
        members.append(("stateMachine", .string(server.stateMachine.description)))
        return .object(members)
    }

    private static func log(_ log: Log) -> JSONValue { .array(log.entries.map { .string($0.description) }) }

    private static func leaders(_ world: World) -> JSONValue {
        .array(
            world.ghost.leadersByTerm.enumerated().filter { !$0.element.isEmpty }.map { term, leaders in
                .object([("term", .integer(term)), ("servers", .array(leaders.members.map(name)))])
            })
    }

    private static func flight(_ flight: Flight) -> JSONValue {
        .object([
            ("from", name(flight.envelope.from)), ("to", name(flight.envelope.to)),
            ("type", .string(typeName(flight.envelope.message))),
            ("label", .string(MermaidRendering.label(flight.envelope.message))),
            ("sent", .integer(flight.sentAt)), ("ended", flight.endedAt.map(JSONValue.integer) ?? .null),
            ("fate", .string(flight.fate.rawValue)), ("copyOf", flight.copyOf.map(JSONValue.integer) ?? .null),
        ])
    }

    private static func typeName(_ message: Message) -> String {
        switch message {
        case .requestVote: "RequestVote"
        case .requestVoteResponse: "RequestVoteResponse"
        case .preVote: "PreVote"
        case .preVoteResponse: "PreVoteResponse"
        case .appendEntries: "AppendEntries"
        case .appendEntriesResponse: "AppendEntriesResponse"
        case .installSnapshot: "InstallSnapshot"
        }
    }

    private static func describe(_ violation: Violation, in timeline: Timeline) -> JSONValue {
        .object([
            ("invariant", .string(violation.invariant.rawValue)), ("title", .string(violation.invariant.title)),
            ("step", .integer(violation.step)), ("servers", .array(violation.servers.map(name))),
            ("index", violation.index.map(JSONValue.integer) ?? .null),
            ("terms", .array(violation.terms.map(JSONValue.integer))),
            ("sentence", .string(ViolationWords.sentence(violation, in: timeline))),
            ("rule", .string(ViolationWords.rule(violation.invariant))),
        ])
    }
}
