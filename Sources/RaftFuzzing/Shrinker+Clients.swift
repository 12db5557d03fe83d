import RaftCore
import RaftSimulation

extension Shrinker {
    /// Tries the trace with fewer retries per client operation, fewest first, and keeps the first
    /// that still fails and is shorter.
    ///
    /// Client operations cannot be cut from a trace: each one's kind and key follow from its
    /// sequence number (`WorldSpec.clientWorkload`), so a removed operation changes every later
    /// one. But an operation the failure does not need usually ends in giving up, one timeout
    /// more than the spec's retries; with fewer retries it gives up sooner, its extra timeouts
    /// are no longer enabled and drop out, and the failure reads as the few operations it needs.
    mutating func lowerRetries(_ current: inout [Action], in spec: inout WorldSpec) -> Bool {
        guard spec.clients > 0 else { return false }
        for retries in 0..<spec.maxRetries where candidatesTried < maxCandidates {
            var fewer = spec
            fewer.maxRetries = retries
            if let kept = attempt(current, in: fewer), kept.count < current.count {
                current = kept
                spec = fewer
                return true
            }
        }
        return false
    }

    /// The closest enabled stand-in for a client action that is no longer enabled, or nil.
    ///
    /// Without one, removing a client's operation (its invocation, or a message an earlier
    /// candidate changed) disables every later action of that client: its next invocation
    /// carries a sequence number the session has not reached, and a reply carries a result the
    /// shortened history no longer gives. So a client's operations could only ever be cut from
    /// the end, and a failing read kept every step before it.
    ///
    /// - An invocation stands in as the client's next operation, as the world now numbers it.
    /// - A delivery, drop or duplicate stands in as the same kind of message between the same
    ///   client and server, preferring the same command, then any of the client's.
    static func nearestEnabled(_ action: ClientAction, in world: World, _ rules: WorldRules) -> Action? {
        switch action {
        case .invoke(let command):
            guard let next = rules.defaultSessionCommand(for: command.client, in: world) else { return nil }
            let standIn = Action.client(.invoke(next))
            return rules.isEnabled(standIn, in: world) ? standIn : nil
        case .deliver(let wanted), .drop(let wanted), .duplicate(let wanted):
            let inFlight = world.clients?.inFlight ?? []
            let similar = inFlight.filter {
                $0.server == wanted.server && $0.body.kind == wanted.body.kind
                    && $0.command.client == wanted.command.client
            }
            let sameCommandFirst = similar.filter { $0.command == wanted.command } + similar
            for message in sameCommandFirst {
                let standIn: ClientAction
                switch action {
                case .deliver: standIn = .deliver(message)
                case .drop: standIn = .drop(message)
                default: standIn = .duplicate(message)
                }
                if rules.isEnabled(.client(standIn), in: world) { return .client(standIn) }
            }
            return nil
        case .timeout:
            return nil
        }
    }
}

extension ClientMessage.Body {
    /// Which of the three client messages this is, without its fields.
    fileprivate var kind: Int {
        switch self {
        case .request: 0
        case .reply: 1
        case .redirect: 2
        }
    }
}
