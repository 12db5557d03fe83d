import Foundation
import RaftCore
import RaftSimulation

/// The `raftlab` command line: parses the subcommand and hands over to it.
public enum RaftLab {
    /// The version printed by `--version`.
    public static let version = "0.1.0"

    /// Runs the tool as a process: real arguments, real console, real exit.
    public static func main() -> Never {
        StandardStreams.reserveClosedDescriptors()
        let code = run(Array(CommandLine.arguments.dropFirst()), console: .standard())
        exit(code.rawValue)
    }

    /// Runs one command line and returns its exit code.
    ///
    /// Never traps on bad input: every error is one line on standard error.
    public static func run(_ arguments: [String], console: Console) -> ExitCode {
        guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
            if arguments.count >= 2, let command = commands.first(where: { $0.spec.name == arguments[1] }) {
                console.print(command.spec.help)
            } else {
                console.print(overview)
            }
            return .ok
        }
        if name == "--version" {
            console.print("raftlab \(version)")
            return .ok
        }
        guard let command = commands.first(where: { $0.spec.name == name }) else {
            console.printError("raftlab: unknown command '\(name)' (see 'raftlab --help')")
            return .usage
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.print(command.spec.help)
            return .ok
        }
        do {
            let parsed = try ParsedArguments(rest, spec: command.spec)
            try Files.checkOutputs(parsed)
            return try command.run(parsed, console)
        } catch let error as UsageError {
            console.printError("raftlab \(name): \(error.message)")
            return .usage
        } catch let failure as CommandFailure {
            console.printError("raftlab \(name): \(failure.message)")
            return failure.code
        } catch {
            console.printError("raftlab \(name): \(error)")
            return .badInput
        }
    }

    struct Command {
        var spec: CommandSpec
        var run: (ParsedArguments, Console) throws -> ExitCode
    }

    static var commands: [Command] {
        [
            Command(spec: CheckCommand.spec, run: CheckCommand.run),
            Command(spec: SimulateCommand.spec, run: SimulateCommand.run),
            Command(spec: ReplayCommand.spec, run: ReplayCommand.run),
            Command(spec: ShowCommand.spec, run: ShowCommand.run),
            Command(spec: MutantsCommand.spec, run: MutantsCommand.run),
            Command(spec: CorpusCommand.spec, run: CorpusCommand.run),
            Command(spec: FuzzCommand.spec, run: FuzzCommand.run),
            Command(spec: MergeCommand.spec, run: MergeCommand.run),
            Command(spec: ShrinkCommand.spec, run: ShrinkCommand.run),
            Command(spec: BenchCommand.spec, run: BenchCommand.run),
        ]
    }

    static var overview: String {
        var lines = [
            "raftlab \(version): a Raft implementation with a model checker and a fault fuzzer that assert",
            "Election Safety, Log Matching, Leader Completeness and State Machine Safety after every step.",
            "",
            "USAGE: raftlab <command> [options]     (raftlab <command> --help for details)",
            "",
            "COMMANDS:",
        ]
        for command in commands {
            lines.append("  " + command.spec.name.padding(toLength: 10) + " " + command.spec.summary)
        }
        lines += [
            "",
            "EXIT CODES:",
            "  0 nothing violated (or the spec's expected verdict)   1 safety violation   2 liveness violation",
            "  3 replay diverged   4 an expected violation was not found   5 check incomplete (stopped by a limit;",
            "  for merge: the shards do not cover the whole campaign)",
            "  6 check vacuous (passed without reaching a situation the spec's \"reach\" list expects)",
            "  7 a client history's linearizability search ran out of budget: undecided, neither pass nor violation",
            "    (fuzz, check; --accept-undecided exits 0 instead)",
            "  64 bad command line  65 malformed input file  66 input file unreadable  73 output not writable",
            "  74 standard output or error not writable  130/143 check or fuzz stopped by SIGINT/SIGTERM (summary so far)",
        ]
        return lines.joined(separator: "\n")
    }

    /// `--linearizability-budget STEPS`, which `fuzz` and `check` share.
    static let linearizabilityBudgetOption = OptionSpec(
        flag: "--linearizability-budget", valueName: "STEPS",
        help:
            "Judge client histories undecided past this many search steps a key (0 to "
            + "\(Invariants.checker.stepBudgetPerPartition), the property's own and the default).")

    /// Resolves `--linearizability-budget STEPS`: at most the property's own budget, since the
    /// violations are found by the property's search and a larger budget for the judgement alone
    /// could decide a history that search cannot.
    static func linearizabilityBudget(_ arguments: ParsedArguments) throws(UsageError) -> Int? {
        try arguments.integer("--linearizability-budget", in: 0...Invariants.checker.stepBudgetPerPartition)
    }

    /// Resolves `--mutant NAME`.
    static func mutant(_ arguments: ParsedArguments) throws(UsageError) -> Mutant? {
        guard let name = arguments.value("--mutant") else { return nil }
        guard let mutant = Mutant(name: name) else {
            throw UsageError(
                message: "unknown mutant '\(name)'; known: \(Mutant.allCases.map(\.name).joined(separator: ", "))")
        }
        return mutant
    }
}
