import RaftCore
import RaftSimulation

/// A fuzz run's clients: requests that arrive at the profile's rate per tick, each sent to the
/// leader the client knows (most of the time) or to any running server, drawn from the run's
/// client stream alone.
///
/// The workload spends the spec's client requests except a reserve that the liveness phase
/// needs for its probe commands (see `LivenessJudge`).
struct ClientWorkload {
    /// Client requests kept back from the safety phase, so that the liveness phase can always
    /// send a probe command, and send it again when the leader changes before it commits.
    static let requestsReservedForLiveness = 5

    /// The tick the next request arrives; `Int.max` when none will.
    private(set) var nextRequestTick: Int
    private var prng: PRNG
    private let requestsPerTick: Ratio?

    /// The workload at tick 0, its first arrival drawn when the profile has client load.
    init(profile: FaultProfile, prng: PRNG) {
        self.prng = prng
        requestsPerTick = profile.clientRequestsPerTick
        nextRequestTick = .max
        nextRequestTick = nextArrival(after: 0)
    }

    /// A request is due: the action that sends it, if any.
    ///
    /// Nil when the network is full or no server runs (the request is lost), or when the requests
    /// outside the reserve are spent (then no request arrives again). The next arrival is drawn
    /// first.
    mutating func requestArrives(
        now: Int, in world: World, rules: WorldRules, networkHasRoom: Bool
    ) -> Action? {
        nextRequestTick = nextArrival(after: now)
        let spec = rules.spec
        let reserve = min(Self.requestsReservedForLiveness, spec.maxClientRequests)
        guard world.spent.clientRequests < spec.maxClientRequests - reserve else {
            nextRequestTick = .max
            return nil
        }
        let preferLeader = prng.chance(Ratio(3, 4))
        guard networkHasRoom, let target = world.pickRunningServer(preferLeader: preferLeader, drawingFrom: &prng)
        else { return nil }
        return .clientRequest(target, rules.nextCommand(in: world))
    }

    /// Sends no more requests (the liveness phase sends its own).
    mutating func stop() {
        nextRequestTick = .max
    }

    private mutating func nextArrival(after now: Int) -> Int {
        requestsPerTick.map { now + prng.ticksUntilArrival(rate: $0) } ?? .max
    }
}
