// MARK: - Renaming servers in configurations (symmetry reduction, shrinking)

extension Configuration: ServerRenamable {
    /// The stored properties `renamed(by:)` accounts for; a test holds this list to the type's
    /// actual stored properties, so that a new field fails it until renaming handles it.
    static let renamedFields = ["voters", "learners"]

    /// The configuration with its members renamed; a dropped server leaves it (the shrinker's
    /// guess, which replaying the shorter trace then confirms or refutes).
    public func renamed(by renaming: ServerRenaming) -> Configuration? { survivors(renamedBy: renaming) }

    /// `renamed(by:)`, which never drops the whole configuration.
    public func survivors(renamedBy renaming: ServerRenaming) -> Configuration {
        Configuration(
            voters: voters.survivors(renamedBy: renaming), learners: learners.survivors(renamedBy: renaming))
    }
}

extension Entry {
    /// Whether the entry names servers, so renaming must look inside it.
    @inline(__always)
    public var namesServers: Bool {
        if case .configuration = payload { true } else { false }
    }

    /// The entry with the servers its configuration names renamed; other entries name none.
    public func renamed(by renaming: ServerRenaming) -> Entry {
        guard case .configuration(let configuration) = payload else { return self }
        return Entry(term: term, payload: .configuration(configuration.survivors(renamedBy: renaming)))
    }
}

extension Array where Element == Entry {
    /// The entries with their configurations renamed; the same array when none holds one, so a
    /// fixed cluster's logs are not copied.
    func renamingConfigurations(by renaming: ServerRenaming) -> [Entry] {
        guard contains(where: \.namesServers) else { return self }
        return map { $0.renamed(by: renaming) }
    }
}

extension Log {
    /// The log with its configuration entries renamed, and its base (a snapshot's last included
    /// index and term) kept.
    func renamingConfigurations(by renaming: ServerRenaming) -> Log {
        guard entries.contains(where: \.namesServers) else { return self }
        return Log(after: baseIndex, baseTerm: baseTerm, entries.renamingConfigurations(by: renaming))
    }
}

extension ConfigurationChange: ServerRenamable {
    /// The change about the renamed server; nil when the renaming drops it.
    public func renamed(by renaming: ServerRenaming) -> ConfigurationChange? {
        guard let server = renaming[server] else { return nil }
        switch self {
        case .addLearner: return .addLearner(server)
        case .promote: return .promote(server)
        case .remove: return .remove(server)
        }
    }

    /// The change in one small number: the kind in bits 0 to 1, the server above, for hashes.
    public var code: Int {
        let kind =
            switch self {
            case .addLearner: 1
            case .promote: 2
            case .remove: 3
            }
        return kind | server.index << 2
    }
}
