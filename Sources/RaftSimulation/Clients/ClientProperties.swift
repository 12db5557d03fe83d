import Linearizability
import RaftCore

extension Clients {
    /// The ghost history as the linearizability checker reads it: each operation on the
    /// key-value specification, with an operation still pending or given up as unknown (it may
    /// have taken effect, then or later, or never).
    ///
    /// Values are written with a dot after each (`11.21.`), so that a key's values in write order
    /// read back unambiguously, and an absent key is nil.
    public var linearizabilityHistory: History<KeyValueInput, KeyValueOutput> {
        History(
            history.map { record in
                ClientOperation(
                    client: ClientID(record.command.client), input: Self.input(record.command),
                    invokedAt: record.invokedAt, outcome: Self.outcome(record.outcome))
            })
    }

    private static func spelled(_ value: UInt16) -> String { "\(value)." }

    static func input(_ command: SessionCommand) -> KeyValueInput {
        let key = command.keyName
        switch command.kind {
        case .put: return .put(key: key, value: spelled(command.value))
        case .get: return .get(key: key)
        case .append: return .append(key: key, suffix: spelled(command.value))
        case .compareAndSet:
            return .compareAndSet(key: key, expected: command.expected.map(spelled), new: spelled(command.value))
        }
    }

    private static func outcome(_ outcome: ClientOutcome) -> Outcome<KeyValueOutput> {
        switch outcome {
        case .pending, .gaveUp: return .unknown
        case .ok(let result, let at):
            let output: KeyValueOutput =
                switch result {
                case .done: .done
                case .swapped(let swapped): .swapped(swapped)
                case .values(let values): .value(values.isEmpty ? nil : values.map(spelled).joined())
                }
            return .ok(output, returnedAt: at)
        }
    }
}

extension Invariants {
    /// Exactly-once (the thesis, section 6.3): no server's state machine lets one client
    /// operation take effect twice, and no client receives two different results for one request.
    public static func exactlyOnce(_ world: World) -> Violation? {
        guard let clients = world.clients else { return nil }
        for (index, machine) in clients.machines.enumerated() {
            if let twice = firstRepeated(machine.executed, clientCount: clients.sessions.count) {
                let name = "c\(twice >> 16 + 1)#\(twice & 0xFFFF)"
                return Violation(
                    invariant: .exactlyOnce, servers: [NodeID(index)], terms: [],
                    detail: "\(NodeID(index))'s state machine applied \(name) twice")
            }
        }
        for record in clients.history {
            if let second = record.contradictingResult, case .ok(let first, _) = record.outcome {
                return Violation(
                    invariant: .exactlyOnce, servers: [], terms: [],
                    detail: "\(record.command.clientName) got \(first) and then \(second) for \(record.command)")
            }
        }
        return nil
    }

    /// Whether a client property fails after `action`, looking only at what the step can have
    /// changed: the stepping server's state machine (the only one a step can apply entries on),
    /// the record of a reply delivered, and, if asked, the key of an operation completed.
    static func clientsViolate(after action: Action, checksLinearizability: Bool, in world: World) -> Bool {
        guard let clients = world.clients else { return false }
        if let server = action.steppingServer, server.index < clients.machines.count,
            firstRepeated(clients.machines[server.index].executed, clientCount: clients.sessions.count) != nil
        {
            return true
        }
        guard case .client(.deliver(let message)) = action, case .reply(let command, _) = message.body else {
            return false
        }
        if let record = clients.recordIndex(of: command), clients.history[record].contradictingResult != nil {
            return true
        }
        return checksLinearizability && linearizability(after: action, in: world) != nil
    }

    /// The first operation `executed` holds twice, found with one bit per (client, sequence
    /// number): the check runs after every step that may apply an entry.
    private static func firstRepeated(_ executed: [UInt32], clientCount: Int) -> UInt32? {
        guard executed.count > 1 else { return nil }
        let highest = executed.reduce(0) { max($0, Int($1 & 0xFFFF)) }
        let wordsPerClient = highest / 64 + 1
        var seen = [UInt64](repeating: 0, count: wordsPerClient * clientCount)
        for operation in executed {
            let bit = Int(operation & 0xFFFF)
            let word = Int(operation >> 16) * wordsPerClient + bit / 64
            let mask: UInt64 = 1 << UInt64(bit % 64)
            if seen[word] & mask != 0 { return operation }
            seen[word] |= mask
        }
        return nil
    }

    /// Linearizability (Herlihy and Wing), checked after a step that delivered a result to the
    /// client waiting for it: only such a step can make the history stop being linearizable
    /// (a client that gives up leaves its operation's outcome unknown, as a pending one is), and
    /// only on the key of that operation (P-compositionality), so only that key is checked.
    public static func linearizability(after action: Action, in world: World) -> Violation? {
        guard case .client(.deliver(let message)) = action, case .reply(let command, _) = message.body,
            let clients = world.clients, let record = clients.recordIndex(of: command),
            case .ok(_, let at) = clients.history[record].outcome, at == clients.clock
        else { return nil }
        return linearizability(world, key: command.key)
    }

    /// The checker the property runs, with search budgets small enough for the fuzzer to run it
    /// after every completion: a history too hard to decide within them is no violation (the
    /// checker says "unknown", never a wrong verdict), but it is no proof either, so the explorers
    /// report it apart (`linearizabilityJudgement`).
    ///
    /// It checks linearizability with session order (`LinearizabilityChecker.sessionOrdered`):
    /// the session table guarantees it (a request older than one applied for its client is
    /// discarded), and without it a history with many given-up writes is often undecidable.
    public static let checker = LinearizabilityChecker(
        KeyValueSpecification(), stepBudgetPerPartition: 20_000, minimisationStepBudget: 200_000, sessionOrdered: true)

    /// A checker like `checker` with another search budget a key: how tests make a history
    /// too hard to decide.
    public static func linearizabilityChecker(stepBudget: Int) -> LinearizabilityChecker<KeyValueSpecification> {
        LinearizabilityChecker(
            KeyValueSpecification(), stepBudgetPerPartition: stepBudget, minimisationStepBudget: 0, sessionOrdered: true
        )
    }

    /// Linearizability of the whole history, on every key or only on `key`.
    ///
    /// The detail names the smallest non-linearizable sub-history the checker found, each
    /// operation with its result and interval.
    public static func linearizability(_ world: World, key: UInt8? = nil) -> Violation? {
        linearizabilityJudgement(world, key: key).violation
    }

    /// What the linearizability search made of the history, on every key or only on `key`:
    /// proven, refuted with the smallest sub-history found, or undecided within `checker`'s budget.
    public static func linearizabilityJudgement(
        _ world: World, key: UInt8? = nil,
        checker: LinearizabilityChecker<KeyValueSpecification> = Invariants.checker
    ) -> LinearizabilityJudgement {
        guard let clients = world.clients else { return .linearizable }
        let kept = clients.history.indices.filter { key == nil || clients.history[$0].command.key == key }
        let history = clients.linearizabilityHistory.restricted(to: kept.map(OperationID.init))
        switch checker.check(history) {
        case .linearizable: return .linearizable
        case .unknown(let keys):
            return .undecided(
                "the search budget (\(checker.stepBudgetPerPartition) steps a key) ran out on key "
                    + keys.joined(separator: ", ") + " of a history of \(kept.count) operations")
        case .notLinearizable(let violation):
            let operations = violation.operations.map { clients.history[kept[$0.index]].summary }
            return .violated(
                Violation(
                    invariant: .linearizability, servers: [], terms: [],
                    detail: "no single store explains key \(violation.key): " + operations.joined(separator: ", ")))
        }
    }

    /// `linearizabilityJudgement` after a step that delivered a result to the client waiting for
    /// it, on that operation's key; `.linearizable` after any other step, which cannot change
    /// the verdict.
    public static func linearizabilityJudgement(
        after action: Action, in world: World,
        checker: LinearizabilityChecker<KeyValueSpecification> = Invariants.checker
    ) -> LinearizabilityJudgement {
        guard case .client(.deliver(let message)) = action, case .reply(let command, _) = message.body,
            let clients = world.clients, let record = clients.recordIndex(of: command),
            case .ok(_, let at) = clients.history[record].outcome, at == clients.clock
        else { return .linearizable }
        return linearizabilityJudgement(world, key: command.key, checker: checker)
    }
}

/// The linearizability search's answer on a world's client history.
///
/// `undecided` is neither a pass nor a violation: the history may be linearizable or not, and
/// the explorers say so rather than count it as either (issue 15, item 4).
public enum LinearizabilityJudgement: Hashable, Sendable {
    case linearizable
    case violated(Violation)
    /// The search ran out of budget on some key; the words say which and how big the history was.
    case undecided(String)

    /// The violation, when the search found one.
    public var violation: Violation? {
        if case .violated(let violation) = self { return violation }
        return nil
    }

    /// The words for an undecided search, else nil.
    public var undecidedDetail: String? {
        if case .undecided(let detail) = self { return detail }
        return nil
    }
}

extension ClientHistoryRecord {
    /// `c2#1:get(x)=[11] (3-5)`: the operation, what it returned and its interval on the
    /// history's clock (`?` for an end the client never saw).
    public var summary: String {
        switch outcome {
        case .ok(let result, let at): "\(command)=\(result) (\(invokedAt)-\(at))"
        case .pending, .gaveUp: "\(command)=? (\(invokedAt)-?)"
        }
    }
}
