import RaftCore
import RaftSimulation

/// A fuzz run's virtual time and the servers' timers: each running follower's or candidate's
/// election deadline, each leader's heartbeat deadline (and with CheckQuorum its election
/// deadline, which times its quorum check), each crashed server's restart tick.
///
/// Time moves only when the run moves it (`advance(to:)`), to the tick of the next event due;
/// nothing here reads a wall clock. A timer is re-armed only when the server's core asks for it
/// (`.resetElectionTimer`, `.resetHeartbeatTimer`, reported through `rearm`), so the run tests the
/// core's own timer discipline (section 5.2: a follower that hears from a leader resets its
/// election timer) instead of imposing one. Election timeouts are drawn from the run's timer
/// stream alone, so that no other component's draws can shift them.
struct VirtualClock {
    /// A timer that fires: the server's index.
    enum Timer: Equatable {
        case election(Int), heartbeat(Int), restart(Int)
    }

    /// The current tick.
    private(set) var now = 0
    /// Per server, the tick its election timeout fires; `Int.max` when not armed.
    private(set) var electionDeadlines: [Int]
    /// Per server, the tick its next heartbeat is due; `Int.max` when not armed.
    private(set) var heartbeatDeadlines: [Int]
    /// Per server, the tick a crashed server restarts; `Int.max` when it is not down.
    private(set) var restartTicks: [Int]

    private var prng: PRNG
    private let profile: FaultProfile
    private let serverCount: Int

    /// The clock at tick 0, with every server's first election deadline drawn (in server order)
    /// and no heartbeat or restart pending.
    init(profile: FaultProfile, serverCount: Int, prng: PRNG) {
        self.profile = profile
        self.serverCount = serverCount
        self.prng = prng
        electionDeadlines = []
        electionDeadlines.reserveCapacity(serverCount)
        for index in 0..<serverCount {
            electionDeadlines.append(
                self.prng.uniform(in: profile.electionTimeoutTicks(of: index, servers: serverCount)))
        }
        heartbeatDeadlines = Array(repeating: .max, count: serverCount)
        restartTicks = Array(repeating: .max, count: serverCount)
    }

    /// Moves time forward to `tick`; never back.
    mutating func advance(to tick: Int) {
        now = max(now, tick)
    }

    /// The earliest timer that can fire in `world` and its tick; nil when none is armed.
    ///
    /// A down server's restart, a leader's heartbeat, another running server's election timeout.
    /// Ties go to the lower server index. Inlined into the run's loop, like
    /// `PacketSimulator.earliestMessage`.
    @inline(__always)
    func earliestTimer(in world: World) -> (timer: Timer, due: Int)? {
        var earliest: Timer? = nil
        var due = Int.max
        // Servers are read where they lie (`World.Server.runningNode(of:)`): bound as values in
        // the loop, each step copied every server whole.
        world.servers.withUnsafeBufferPointer { servers in
            for index in servers.indices {
                guard let node = World.Server.runningNode(of: servers.baseAddress! + index) else {
                    if restartTicks[index] < due { (earliest, due) = (.restart(index), restartTicks[index]) }
                    continue
                }
                if node.pointee.isLeader {
                    if heartbeatDeadlines[index] < due {
                        (earliest, due) = (.heartbeat(index), heartbeatDeadlines[index])
                    }
                    // CheckQuorum: the leader's election timer times its quorum check.
                    if node.pointee.options.checkQuorum && electionDeadlines[index] < due {
                        (earliest, due) = (.election(index), electionDeadlines[index])
                    }
                } else if electionDeadlines[index] < due {
                    (earliest, due) = (.election(index), electionDeadlines[index])
                }
            }
        }
        return earliest.map { ($0, due) }
    }

    /// The action `timer`, now due, asks for, when the world and the spec allow one.
    ///
    /// A timeout that would send messages into a full network waits a tick; an election the
    /// spec's `maxTerm` forbids is disarmed. A timer that fires is disarmed until its core re-arms
    /// it. Inlined, like `PacketSimulator.dispatch`.
    @inline(__always)
    mutating func fire(_ timer: Timer, in world: World, spec: WorldSpec, networkHasRoom: Bool) -> Action? {
        switch timer {
        case .election(let index):
            guard let node = world.servers[index].node else { return nil }
            if !node.isLeader && node.currentTerm >= spec.maxTerm {
                electionDeadlines[index] = .max
                return nil
            }
            if !networkHasRoom {
                electionDeadlines[index] = now + 1
                return nil
            }
            if !node.isLeader && !node.electionTimeoutActs {
                // Section 4.2.3: a server outside its configuration's voters never campaigns
                // (`RaftNode.mayCampaign`; the world does not enable the timeout); its timer runs
                // on, for when a change makes it a voter. Only membership changes make such
                // servers, so no other run draws here.
                electionDeadlines[index] =
                    now + prng.uniform(in: profile.electionTimeoutTicks(of: index, servers: serverCount))
                return nil
            }
            electionDeadlines[index] = .max
            return .electionTimeout(NodeID(index))
        case .heartbeat(let index):
            if !networkHasRoom {
                heartbeatDeadlines[index] = now + 1
                return nil
            }
            heartbeatDeadlines[index] = .max
            return .heartbeatTimeout(NodeID(index))
        case .restart(let index):
            restartTicks[index] = .max
            return .restart(NodeID(index))
        }
    }

    /// Re-arms the timers the servers' cores asked for in the last step (bit i: server i): each
    /// election timeout with a fresh draw, in server order, and each heartbeat one interval on.
    mutating func rearm(electionResets: UInt16, heartbeatResets: UInt16) {
        var resets = electionResets
        while resets != 0 {
            let index = resets.trailingZeroBitCount
            electionDeadlines[index] =
                now + prng.uniform(in: profile.electionTimeoutTicks(of: index, servers: serverCount))
            resets &= resets - 1
        }
        resets = heartbeatResets
        while resets != 0 {
            let index = resets.trailingZeroBitCount
            heartbeatDeadlines[index] = now + profile.heartbeatIntervalTicks
            resets &= resets - 1
        }
    }

    /// A crashed server has no timers of its own, only the tick it comes back.
    mutating func serverCrashed(_ index: Int, restartsAt tick: Int) {
        restartTicks[index] = tick
        electionDeadlines[index] = .max
        heartbeatDeadlines[index] = .max
    }

    /// The server was restarted by someone else (the liveness phase): its restart is no longer
    /// pending.
    mutating func restartTaken(_ index: Int) {
        restartTicks[index] = .max
    }
}
