import RaftCore

/// The bounds of a world: how many servers, and how much of each fault and request may happen.
///
/// The model checker explores every path within these bounds; the simulator and the fuzzer stay
/// within them too, so that every trace either produces is a path the checker could take. A bound
/// of 0 turns its fault kind off.
public struct WorldSpec: Hashable, Sendable {
    /// A short name, printed in reports and trace headers.
    public var name: String
    /// Number of servers, 1 to 7.
    public var servers: Int
    /// No election timer fires once a server's term has reached this.
    public var maxTerm: Int
    /// Client commands the leaders may accept, in all.
    public var maxClientRequests: Int
    /// Crashes, in all (a crashed server may restart; restarts are not bounded separately).
    public var maxCrashes: Int
    /// Actions that create messages (timers, client requests) wait while this many are in flight.
    public var maxInFlight: Int
    /// Messages the network may lose, in all.
    public var maxDrops: Int
    /// Messages the network may duplicate, in all.
    public var maxDuplicates: Int
    /// Network partitions, in all (each one is later healed).
    public var maxPartitions: Int
    /// The longest path the model checker explores, in actions.
    ///
    /// Only the checker reads it: the world's rules never do, and `simulate` (`--steps`) and the
    /// fuzzer (`Fuzzer.runStepLimit`) have step limits of their own.
    public var maxDepth: Int
    /// The mechanisms beyond Figure 2 every server runs with; all off by default.
    public var options: ProtocolOptions = .figure2
    /// Session clients (0 to 3); 0 leaves the world without them, as it always was.
    public var clients = 0
    /// Operations each session client invokes, at most.
    public var maxClientOperations = 0
    /// Times a client sends one operation again after a timeout before it gives up.
    public var maxRetries = 0

    public init(
        name: String, servers: Int, maxTerm: Int, maxClientRequests: Int, maxCrashes: Int, maxInFlight: Int,
        maxDrops: Int, maxDuplicates: Int, maxPartitions: Int, maxDepth: Int
    ) {
        self.name = name
        self.servers = servers
        self.maxTerm = maxTerm
        self.maxClientRequests = maxClientRequests
        self.maxCrashes = maxCrashes
        self.maxInFlight = maxInFlight
        self.maxDrops = maxDrops
        self.maxDuplicates = maxDuplicates
        self.maxPartitions = maxPartitions
        self.maxDepth = maxDepth
    }

    /// The largest cluster a spec may describe.
    public static let maxServers = 7

    /// The world `raftlab simulate` walks by default: every fault kind on, room for a few
    /// elections and commits.
    public static let simulationDefault = WorldSpec(
        name: "simulate-default", servers: 3, maxTerm: 8, maxClientRequests: 4, maxCrashes: 2, maxInFlight: 10,
        maxDrops: 4, maxDuplicates: 3, maxPartitions: 2, maxDepth: 200)

    /// The bounds as `name=value` pairs, in a fixed order, for banners and reports.
    public var summary: String {
        "servers=\(servers) maxTerm=\(maxTerm) maxClientRequests=\(maxClientRequests) maxCrashes=\(maxCrashes) "
            + "maxInFlight=\(maxInFlight) maxDrops=\(maxDrops) maxDuplicates=\(maxDuplicates) "
            + "maxPartitions=\(maxPartitions) maxDepth=\(maxDepth)"
            + (options.isFigure2 ? "" : " protocol=[\(options.summary)]")
            + (clients > 0
                ? " clients=\(clients) maxClientOperations=\(maxClientOperations) maxRetries=\(maxRetries)" : "")
    }
}
