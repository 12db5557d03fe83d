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
    /// Elections, in all: election timeouts at servers that do not lead (each starts an election,
    /// or a pre-election with PreVote); nil bounds them by `maxTerm` alone.
    ///
    /// `maxTerm` lets every server time out in every term, so most of a deep space is split votes
    /// and repeated candidacies; a scenario that needs one candidate per term (Figure 8) needs
    /// exactly as many elections as terms.
    public var maxElections: Int? = nil
    /// Heartbeat timeouts at leaders, in all; nil for no bound.
    ///
    /// A leader still sends AppendEntries on winning, on each client request and on each
    /// rejection, so with 0 replication goes on; only the idle-time broadcasts, each a message to
    /// every follower that may arrive at any later step, are cut.
    public var maxHeartbeats: Int? = nil
    /// Whether the network loses every message whose term is below the newest term any server
    /// has reached: those in flight when a server enters a newer term, and those sent later.
    ///
    /// Such a message can only be refused or ignored by a server of the newer term, or reach a
    /// server that lags, and every one in flight can arrive at any later step, so each term's
    /// leftovers multiply the states of every term after it. Dropping them makes the terms
    /// communication-closed rounds: the paths explored are those where no message outlives its
    /// term, which are paths of the full network too (each loss is a drop), so a violation
    /// found is real; what is left out is every bug that needs a message of an old term to
    /// arrive late (a stale vote counted, a stale reply trusted).
    public var discardsStaleMessages = false
    /// How many of the slots are the initial configuration's voters (the first ones); nil for
    /// every slot, the fixed cluster.
    ///
    /// The other slots run as empty followers outside the configuration until a membership change
    /// adds them (the thesis, chapter 4).
    public var initialMembers: Int? = nil
    /// Membership changes the leaders may append, in all; 0 (the default) allows none, and the
    /// cluster is fixed.
    public var maxConfigChanges = 0
    /// Snapshots the servers may take, in all (section 7); 0, the default, turns log compaction
    /// off.
    public var maxSnapshots = 0
    /// Session clients (0 to 3); 0 leaves the world without them, as it always was.
    public var clients = 0
    /// Operations each session client invokes, at most.
    public var maxClientOperations = 0
    /// Times a client sends one operation again after a timeout before it gives up.
    public var maxRetries = 0
    /// The seed of the clients' operations; nil for the checker's fixed sequence.
    ///
    /// It picks which kinds, over how many keys, and each operation's kind and key
    /// (`WorldRules.defaultSessionCommand`); the fuzzer draws one per run.
    public var clientWorkload: Int? = nil

    /// Why this spec asks for something the Raft here does not do yet, or nil.
    ///
    /// Snapshots and membership changes are not combined: a snapshot does not carry the
    /// configuration of the entries it covers (the thesis, section 5.1, says it must), so a server
    /// that compacted a configuration entry away would fall back to its initial configuration.
    ///
    /// Nor are snapshots and session clients: a snapshot holds the key-value words alone, not the
    /// session table (the thesis, section 6.3, says it must), so a server that installed one
    /// would answer a retry as new and apply it twice.
    public var unsupportedCombination: String? {
        if maxSnapshots > 0 && maxConfigChanges > 0 {
            return "snapshots together with membership changes are not supported yet (a snapshot does not carry "
                + "the configuration); set maxSnapshots or maxConfigChanges to 0"
        }
        if maxSnapshots > 0 && clients > 0 {
            return "snapshots together with session clients are not supported yet (a snapshot does not carry "
                + "the session table); set maxSnapshots or clients to 0"
        }
        return nil
    }

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

    /// Whether the spec sets a bound only the model checker's search follows (`maxElections`,
    /// `maxHeartbeats`, `discardsStaleMessages`): the fuzzer's clock and packet simulator time
    /// elections, heartbeats and deliveries by rules of their own, so it refuses such a spec
    /// rather than take steps the world would not enable.
    public var hasSearchOnlyBounds: Bool { maxElections != nil || maxHeartbeats != nil || discardsStaleMessages }

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
            + (maxElections.map { " maxElections=\($0)" } ?? "")
            + (maxHeartbeats.map { " maxHeartbeats=\($0)" } ?? "")
            + (discardsStaleMessages ? " discardStaleMessages" : "")
            + (initialMembers.map { " members=\($0)" } ?? "")
            + (maxConfigChanges > 0 ? " maxConfigChanges=\(maxConfigChanges)" : "")
            + (maxSnapshots > 0 ? " maxSnapshots=\(maxSnapshots)" : "")
            + (options.isFigure2 ? "" : " protocol=[\(options.summary)]")
            + (clients > 0
                ? " clients=\(clients) maxClientOperations=\(maxClientOperations) maxRetries=\(maxRetries)" : "")
            + (clientWorkload.map { " clientWorkload=\($0)" } ?? "")
    }
}
