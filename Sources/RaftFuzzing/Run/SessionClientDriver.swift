import RaftCore
import RaftSimulation

/// A fuzz run's session clients (`WorldSpec.clients`): when each invokes its next operation,
/// what it is, when its messages arrive or are lost, and when it times out, all drawn from the
/// run's session-client stream alone (`RunStreams.sessionClients`).
///
/// The workload is swarmed per run, as the faults are: which operation kinds the clients use
/// and over how many keys (the spec's `clientWorkload`, drawn by `FaultProfile`, so that a
/// trace replays the same operations), how long they think between operations, how long they
/// wait before a retry, and how lossy their links are. A run with every kind on one key hunts lost and
/// doubled writes; a run of puts and gets over two keys with short timeouts hunts stale reads.
struct SessionClientDriver {
    private var prng: PRNG
    private let thinkTicks: ClosedRange<Int>
    private let timeoutTicks: ClosedRange<Int>
    private let delayTicks: ClosedRange<Int>
    private let lossPerMessage: Ratio?
    private let duplicationPerMessage: Ratio?

    /// Per client: when it invokes its next operation (`Int.max`: not while one is pending).
    private var invokeTick: [Int]
    /// Per client: when its pending operation times out (`Int.max`: nothing pending).
    private var timeoutTick: [Int]
    /// Per client: the send it last saw (`issued`, `retries`), to tell a new send from an old one.
    private var lastSend: [(issued: Int, retries: Int)]
    /// The client messages in flight with the tick each arrives, in the world's order.
    private var scheduled: [(message: ClientMessage, due: Int)] = []
    private var invoking = true

    enum Event { case invoke(Int), timeout(Int), message(position: Int) }

    /// The driver of a run whose spec has clients; nil otherwise.
    init?(spec: WorldSpec, prng: PRNG) {
        guard spec.clients > 0 else { return nil }
        var prng = prng
        let think = 1...prng.uniform(in: 1...40)
        thinkTicks = think
        let timeout = prng.uniform(in: 10...80)
        timeoutTicks = timeout...(timeout * 2)
        delayTicks = 1...prng.uniform(in: 2...12)
        lossPerMessage = prng.chance(Ratio(1, 2)) ? Ratio(UInt64(prng.uniform(in: 1...20)), 100) : nil
        duplicationPerMessage = prng.chance(Ratio(1, 3)) ? Ratio(UInt64(prng.uniform(in: 1...10)), 100) : nil
        var firstInvocations: [Int] = []
        for _ in 0..<spec.clients { firstInvocations.append(prng.uniform(in: think)) }
        invokeTick = firstInvocations
        timeoutTick = Array(repeating: .max, count: spec.clients)
        lastSend = Array(repeating: (0, 0), count: spec.clients)
        self.prng = prng
    }

    /// The earliest event and its tick; ties go to messages, then timeouts, then invocations,
    /// each in order.
    func earliest() -> (event: Event, due: Int)? {
        var best: (event: Event, due: Int)? = nil
        for (position, item) in scheduled.enumerated() where item.due < (best?.due ?? .max) {
            best = (.message(position: position), item.due)
        }
        for (client, due) in timeoutTick.enumerated() where due < (best?.due ?? .max) { best = (.timeout(client), due) }
        if invoking {
            for (client, due) in invokeTick.enumerated() where due < (best?.due ?? .max) {
                best = (.invoke(client), due)
            }
        }
        return best
    }

    /// The action an event that is due becomes, if the world enables one; an event the world
    /// cannot take now is moved later.
    mutating func action(for event: Event, now: Int, in world: World, rules: WorldRules) -> Action? {
        switch event {
        case .invoke(let client):
            invokeTick[client] = .max
            guard let next = rules.defaultSessionCommand(for: client, in: world) else { return nil }
            let action = Action.client(.invoke(next))
            guard rules.isEnabled(action, in: world) else {
                // No room in the network, or the client's operations are spent.
                if next.sequence <= rules.spec.maxClientOperations { invokeTick[client] = now + 5 }
                return nil
            }
            return action
        case .timeout(let client):
            timeoutTick[client] = .max
            let action = Action.client(.timeout(client: client))
            guard rules.isEnabled(action, in: world) else {
                if world.clients?.sessions[client].pending != nil { timeoutTick[client] = now + 5 }
                return nil
            }
            return action
        case .message(let position):
            let message = scheduled[position].message
            let spent = world.spent
            if let lossPerMessage, spent.drops < rules.spec.maxDrops, prng.chance(lossPerMessage) {
                return .client(.drop(message))
            }
            let action = Action.client(.deliver(message))
            guard rules.isEnabled(action, in: world) else {
                // A request waits for its server to come back. It is not copied while it waits:
                // each retry of the wait would otherwise be a chance to double every copy, and
                // the copies at a server down for long grew without bound.
                scheduled[position].due = now + prng.uniform(in: delayTicks)
                return nil
            }
            if let duplicationPerMessage, spent.duplicates < rules.spec.maxDuplicates,
                scheduled.count < Self.maxMessagesToDuplicate(clients: invokeTick.count),
                prng.chance(duplicationPerMessage)
            {
                scheduled[position].due = now + prng.uniform(in: delayTicks)
                return .client(.duplicate(message))
            }
            return action
        }
    }

    /// Catches up with the world after a step: gives each new client message its arrival tick
    /// and each client its next invocation or timeout.
    mutating func observe(_ world: World, now: Int, maxOperations: Int) {
        guard let clients = world.clients else { return }
        var kept: [(message: ClientMessage, due: Int)] = []
        kept.reserveCapacity(clients.inFlight.count)
        var old = scheduled
        for message in clients.inFlight {
            if let match = old.firstIndex(where: { $0.message == message }) {
                kept.append(old[match])
                old.remove(at: match)
            } else {
                kept.append((message, now + prng.uniform(in: delayTicks)))
            }
        }
        scheduled = kept
        for (client, session) in clients.sessions.enumerated() {
            guard session.pending != nil else {
                timeoutTick[client] = .max
                if invokeTick[client] == .max && session.issued < maxOperations {
                    invokeTick[client] = now + prng.uniform(in: thinkTicks)
                }
                continue
            }
            if session.issued != lastSend[client].issued || session.retries != lastSend[client].retries {
                lastSend[client] = (session.issued, session.retries)
                timeoutTick[client] = now + prng.uniform(in: timeoutTicks)
            } else if session.targetIsFresh && timeoutTick[client] > now + 1 {
                // Redirected: send again at once rather than wait out the timeout.
                timeoutTick[client] = now + 1
            }
        }
    }

    /// The most client messages in flight at which the network still duplicates one: a client
    /// has one operation pending, so a handful of copies per client already holds every late
    /// and repeated delivery a session must survive.
    static func maxMessagesToDuplicate(clients: Int) -> Int { 4 * clients }

    /// Invokes no more operations (the liveness phase); pending ones still retry.
    mutating func stopInvoking() { invoking = false }
}
