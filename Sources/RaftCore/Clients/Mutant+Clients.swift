extension Mutant {
    /// Whether the mutant's rule lives with the session clients (their state machine or the
    /// read path), so that only a world with clients exercises it: the fuzzer turns clients on
    /// for it, as it turns on the switches in `switchesNeeded`.
    public var needsClients: Bool {
        switch self {
        case .sessionNotConsulted, .readWithoutQuorum, .readBeforeTermCommit, .readStaleAcks: true
        default: false
        }
    }
}
