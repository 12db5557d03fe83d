import RaftCore

extension WorldSpec {
    /// The operations each client invokes in a fuzz run with clients (`raftlab fuzz --clients`).
    public static let fuzzClientOperations = 20
    /// The retries a fuzzed client makes before giving up on an operation.
    public static let fuzzClientRetries = 3

    /// Turns session clients on, with the fuzzer's bounds unless the spec already has some, and
    /// the leader's no-op they need (section 8).
    public mutating func turnOnClients(_ count: Int) {
        precondition((1...SessionCommand.maxClients).contains(count))
        clients = count
        if maxClientOperations == 0 { maxClientOperations = Self.fuzzClientOperations }
        if maxRetries == 0 { maxRetries = Self.fuzzClientRetries }
        options.leaderNoOp = true
    }
}
