import Foundation
import ModelChecking
import RaftModel
import RaftSimulation

/// `check --bitstate SIZE`, `--swarm K/N` and `--max-seconds N`: searches for specs too large to
/// exhaust.
extension CheckCommand {
    /// The table size a swarm member uses without `--bitstate`.
    static let defaultSwarmTableBytes = 64 << 20

    static let swarmOptions = [
        OptionSpec(
            flag: "--bitstate", valueName: "SIZE",
            help: "Bitstate (supertrace) search: a SIZE bit table (256MB, 1GB, 64KB) with 3 hashes, not exhaustive."),
        OptionSpec(
            flag: "--swarm", valueName: "K/N",
            help: "Swarm member K (from 0) of N: bitstate, seeded action order and hashes; all/N runs all here."),
        OptionSpec(
            flag: "--max-seconds", valueName: "N", help: "Stop a --bitstate or --swarm search after N seconds."),
    ]

    static let swarmDiscussion = """
        --bitstate SIZE replaces the exact visited set by a table of SIZE bytes in which each state
        sets 3 bits (SPIN's supertrace): depth-first, far more states in the same memory, but a new
        state whose bits are all set already is taken as seen and never explored. Such a run is never
        exhaustive: the verdict says "bitstate search ended, NOT exhaustive" and the summary gives
        the hash factor (table bits per state stored; SPIN: good above 100) and the estimated
        number of states lost. --swarm K/N runs member K of N such searches that differ in action
        order and hash functions (Holzmann's swarm verification), each on its own machine (/N takes
        K from RAFTLAB_SHARD or JOB_COMPLETION_INDEX); member 0 is the plain --bitstate search. Each
        stops at --max-states or --max-seconds (verdict INCOMPLETE, exit 5, unless the spec accepts
        it) and reports its states and depth; a violation is a counterexample like any other
        (--trace-out). --swarm all/N runs the N members one after another in this process and also
        prints how many distinct states they reached together.
        """

    /// Bytes from `256MB`, `1GB`, `64KB` (powers of 1024) or a plain byte count.
    static func byteSize(_ text: String) -> Int? {
        let units: [(String, Int)] = [("GB", 30), ("G", 30), ("MB", 20), ("M", 20), ("KB", 10), ("K", 10), ("B", 0)]
        let upper = text.uppercased()
        for (suffix, shift) in units where upper.hasSuffix(suffix) {
            guard let number = Int(upper.dropLast(suffix.count)), number >= 1, number <= (1 << 40) >> shift else {
                return nil
            }
            return number << shift
        }
        return Int(text).flatMap { (8...(1 << 40)).contains($0) ? $0 : nil }
    }

    /// The swarm member `--swarm` names (nil for all/N: `swarmAll`), the table size and the
    /// time budget, applied to `options`.
    static func applySwarmOptions(_ arguments: ParsedArguments, to options: inout CheckerOptions) throws(UsageError)
        -> (all: Int?, tableBytes: Int?)
    {
        var tableBytes: Int? = nil
        if let text = arguments.value("--bitstate") {
            guard let bytes = byteSize(text), bytes >= 8 else {
                throw UsageError(message: "option '--bitstate' expects a size like 256MB, 1GB or 64KB, got '\(text)'")
            }
            tableBytes = bytes
        }
        if let seconds = try arguments.integer("--max-seconds", in: 1...Int.max) {
            guard arguments.value("--bitstate") != nil || arguments.value("--swarm") != nil else {
                throw UsageError(message: "--max-seconds applies to --bitstate and --swarm searches only")
            }
            options.maxSeconds = Double(seconds)
        }
        if (tableBytes != nil || arguments.value("--swarm") != nil) && arguments.value("--strategy") == "bfs" {
            throw UsageError(message: "--bitstate and --swarm search depth-first; drop --strategy bfs")
        }
        if tableBytes != nil || arguments.value("--swarm") != nil {
            // What the summary line names: these searches run depth-first on one thread.
            options.strategy = .depthFirst
            options.workers = 1
        }
        guard let swarm = arguments.value("--swarm") else {
            if let tableBytes { options.bitstate = BitstateOptions(tableBytes: tableBytes) }
            return (nil, tableBytes)
        }
        let bytes = tableBytes ?? defaultSwarmTableBytes
        if swarm.hasPrefix("all/") {
            guard let count = Int(swarm.dropFirst(4)), (1...1024).contains(count) else {
                throw UsageError(message: "option '--swarm' expects all/N with N in 1...1024, got '\(swarm)'")
            }
            return (count, bytes)
        }
        let shard = try ShardArgument.resolve(swarm, flag: "--swarm", environment: ProcessInfo.processInfo.environment)
        options = SwarmMember(index: shard.index, count: shard.count)!.options(options, tableBytes: bytes)
        return (nil, bytes)
    }

    /// Runs the search: one, or with `--swarm all/N` every member in turn, printing each and the
    /// states they covered together; the report judged is the first violation's, else member 0's.
    static func search(
        _ model: RaftModel, _ options: CheckerOptions, all count: Int?, tableBytes: Int?, json: Bool,
        _ console: Console
    ) -> CheckReport<RaftModel> {
        guard let count, let tableBytes else { return Checker(model, options: options).run() }
        let swarm = SwarmRun(model, options: options, members: count, tableBytes: tableBytes)
        if !json {
            for (index, report) in swarm.reports.enumerated() {
                console.print(
                    "  swarm member \(index)/\(count): \(report.verdictName), \(report.distinctStates) states, depth "
                        + "\(report.maxDepthReached), \(formatSeconds(report.elapsedSeconds))")
            }
            console.print(
                "swarm of \(swarm.reports.count): \(swarm.combinedDistinctStates) distinct states together "
                    + "(member 0 alone: \(swarm.reports[0].distinctStates)), deepest \(swarm.deepest)")
        }
        return swarm.reports.first { if case .violated = $0.verdict { true } else { false } } ?? swarm.reports[0]
    }

    /// `summary` with the bitstate figures appended, for a bitstate search.
    static func withBitstate(_ summary: JSONValue, _ report: CheckReport<RaftModel>) -> JSONValue {
        guard let bitstate = report.bitstate, let members = summary.objectValue else { return summary }
        return .object(members + [("bitstate", bitstateJSON(bitstate))])
    }

    /// The bitstate figures, as JSON.
    static func bitstateJSON(_ coverage: BitstateCoverage) -> JSONValue {
        .object([
            ("tableBytes", .integer(coverage.tableBytes)), ("hashCount", .integer(coverage.hashCount)),
            ("hashSeed", .string(String(coverage.hashSeed))), ("storedStates", .integer(coverage.storedStates)),
            ("setBits", .integer(coverage.setBits)),
            ("hashFactor", .string(String(format: "%.1f", coverage.hashFactor))),
            ("expectedStatesLost", .string(String(format: "%.1f", coverage.expectedOmittedStates))),
        ])
    }
}
