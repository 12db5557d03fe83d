/// Which servers take part in the cluster: the voters, whose majorities elect leaders and commit
/// entries, and the learners, which receive entries but neither vote nor count (the thesis,
/// sections 4.1 and 4.2.1).
///
/// A configuration lives in the log as an entry and takes effect on every server as soon as that
/// server appends it, committed or not (section 4.1): a server always uses the latest
/// configuration in its own log, else the one it was created with.
public struct Configuration: Hashable, Sendable, CustomStringConvertible {
    /// The servers whose votes and acknowledgements count.
    public var voters: NodeSet
    /// The servers catching up before a later change makes them voters (section 4.2.1).
    public var learners: NodeSet

    public init(voters: NodeSet, learners: NodeSet = NodeSet()) {
        precondition(voters.bits & learners.bits == 0, "a server is both voter and learner")
        self.voters = voters
        self.learners = learners
    }

    /// Every slot of a cluster of `serverCount` a voter: the fixed cluster of Figure 2.
    ///
    /// Built from the bits directly: a state packer asks for it on every world it packs or
    /// unpacks, and a list of the servers would be an allocation each time.
    public static func allVoters(_ serverCount: Int) -> Configuration {
        precondition(serverCount >= 0 && serverCount <= NodeSet.capacity)
        return Configuration(voters: NodeSet(bits: UInt16(truncatingIfNeeded: (1 << serverCount) - 1)))
    }

    /// The servers a leader replicates to: voters and learners.
    public var members: NodeSet { NodeSet(bits: voters.bits | learners.bits) }

    /// Whether `servers` include a majority of the voters (a majority of none is never reached).
    @inline(__always)
    public func isQuorum(_ servers: NodeSet) -> Bool {
        let counted = (servers.bits & voters.bits).nonzeroBitCount
        return counted > 0 && 2 * counted > voters.count
    }

    /// `voters={s1,s2,s3}`, with ` learners={s4}` when there are any: the spelling traces and
    /// `show` use.
    public var description: String {
        "voters=\(voters)" + (learners.isEmpty ? "" : " learners=\(learners)")
    }

    /// The configuration `change` leads to, or nil when the change does not apply to this one
    /// (adding a member, promoting a non-learner, removing a non-member, or removing the last
    /// voter).
    ///
    /// Every change that applies moves at most one voter, so a majority of the old voters and a
    /// majority of the new always share a server (section 4.1).
    public func applying(_ change: ConfigurationChange) -> Configuration? {
        var next = self
        switch change {
        case .addLearner(let server):
            guard !members.contains(server) else { return nil }
            next.learners.insert(server)
        case .promote(let server):
            guard learners.contains(server) else { return nil }
            next.learners.remove(server)
            next.voters.insert(server)
        case .remove(let server):
            guard members.contains(server), voters != NodeSet([server]) else { return nil }
            next.voters.remove(server)
            next.learners.remove(server)
        }
        return next
    }

    /// Whether `next` differs from this configuration by at most one voter: the condition that
    /// makes single-server changes safe without joint consensus (section 4.1).
    public func differsByAtMostOneVoter(from next: Configuration) -> Bool {
        (voters.bits ^ next.voters.bits).nonzeroBitCount <= 1
    }
}

/// One single-server membership change a client asks a leader for (the thesis, section 4.1).
///
/// A new server joins in two changes: first as a learner, so it can catch up without holding up
/// commitment, then promoted to voter (section 4.2.1).
public enum ConfigurationChange: Hashable, Sendable, CustomStringConvertible {
    /// Add a server that is not a member, as a learner.
    case addLearner(NodeID)
    /// Make a learner a voter.
    case promote(NodeID)
    /// Remove a voter or learner.
    case remove(NodeID)

    /// The server the change is about.
    public var server: NodeID {
        switch self {
        case .addLearner(let server), .promote(let server), .remove(let server): server
        }
    }

    /// `add s4`, `promote s4`, `remove s1`: the spelling traces use.
    public var description: String {
        switch self {
        case .addLearner(let server): "add \(server)"
        case .promote(let server): "promote \(server)"
        case .remove(let server): "remove \(server)"
        }
    }

    /// Parses `description` back.
    public init?(text: String) {
        let words = text.split(separator: " ")
        guard words.count == 2, let server = NodeID(name: String(words[1])) else { return nil }
        switch words[0] {
        case "add": self = .addLearner(server)
        case "promote": self = .promote(server)
        case "remove": self = .remove(server)
        default: return nil
        }
    }
}

extension Log {
    /// The latest configuration entry in the log and its index, or nil when it holds none.
    ///
    /// Only the entries after the base are looked at: a snapshot does not carry a configuration
    /// yet, which is why a spec may not combine the two (`WorldSpec.unsupportedCombination`).
    public var latestConfiguration: (configuration: Configuration, index: LogIndex)? {
        var index = lastIndex
        while index > baseIndex {
            if case .configuration(let configuration) = self[index].payload { return (configuration, index) }
            index -= 1
        }
        return nil
    }
}
