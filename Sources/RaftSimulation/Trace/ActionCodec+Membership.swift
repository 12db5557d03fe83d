import RaftCore

extension ActionCodec {
    /// Parses `add s4`, `promote s4` or `remove s1`, naming a server of the spec.
    static func change(_ text: String, path: String, servers: Int) throws(InputError) -> ConfigurationChange {
        guard let change = ConfigurationChange(text: text), change.description == text else {
            throw InputError(
                path: path,
                message: "expected a change like \"add s4\", \"promote s4\" or \"remove s1\", found "
                    + UntrustedText.quoted(text))
        }
        guard change.server.index < servers else {
            throw InputError(path: path, message: "\(change.server) is not a server of this \(servers)-server spec")
        }
        return change
    }

    /// Parses `config(voters={s1,s2,s3} learners={s4})` (learners only when there are any), the
    /// spelling `EntryPayload.description` writes; the caller checks it is canonical.
    static func configuration(_ text: String, path: String) throws(InputError) -> Configuration {
        func malformed() -> InputError {
            InputError(
                path: path,
                message: "expected a configuration like \"config(voters={s1,s2})\", found \(UntrustedText.quoted(text))"
            )
        }
        guard text.hasPrefix("config("), text.hasSuffix(")") else { throw malformed() }
        let body = text.dropFirst("config(".count).dropLast()
        var voters: NodeSet?
        var learners = NodeSet()
        for field in body.split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[1].hasPrefix("{"), parts[1].hasSuffix("}") else { throw malformed() }
            var set = NodeSet()
            for name in parts[1].dropFirst().dropLast().split(separator: ",") {
                guard let node = NodeID(name: String(name)) else { throw malformed() }
                set.insert(node)
            }
            switch parts[0] {
            case "voters" where voters == nil: voters = set
            case "learners" where learners.isEmpty: learners = set
            default: throw malformed()
            }
        }
        guard let voters, voters.bits & learners.bits == 0 else { throw malformed() }
        return Configuration(voters: voters, learners: learners)
    }
}
