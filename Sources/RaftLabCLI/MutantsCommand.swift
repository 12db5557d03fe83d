import RaftCore

/// `raftlab mutants`: the catalogue of documented Raft bugs.
enum MutantsCommand {
    static let spec = CommandSpec(
        name: "mutants",
        summary: "List the documented Raft bugs that --mutant can switch on.",
        usage: "mutants",
        positionals: 0...0,
        options: [],
        discussion: "Each mutant is one deviation from Figure 2, taken from a real implementation's bug.")

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        for mutant in Mutant.allCases {
            console.print(
                "\(mutant.name.padding(toLength: 26)) \(mutant.catalogueID)  expects \(mutant.expectedViolation)")
            console.print("    rule:   \(mutant.ruleBroken)")
            console.print("    source: \(mutant.source)")
        }
        return .ok
    }
}
