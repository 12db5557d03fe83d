import Foundation
import ModelChecking
import RaftCore
import RaftModel
import RaftSimulation
import TraceRendering

/// `raftlab check`: exhaustive exploration of every state within a spec's bounds.
enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        summary:
            "Explore every reachable state within a spec's bounds and prove the invariants, or find the shortest counterexample.",
        usage:
            "check [SPEC.json] [--mutant NAME] [--strategy bfs|dfs] [--depth N] [--workers N] [--symmetry] [--por] [--max-states N] [--max-memory-mb N] [--bitstate SIZE] [--swarm K/N] [--max-seconds N] [--fail-on-violation] [--accept-undecided] [--linearizability-budget STEPS] [--trace-out FILE] [--coverage] [--reach-trace-out DIR] [--json]",
        positionals: 0...1,
        options: [
            OptionSpec(
                flag: "--mutant", valueName: "NAME", help: "Check a documented Raft bug instead of the correct Raft."),
            OptionSpec(
                flag: "--strategy", valueName: "bfs|dfs",
                help: "Breadth-first (default: shortest counterexample) or depth-first."),
            OptionSpec(
                flag: "--depth", valueName: "N",
                help: "Do not extend paths longer than N steps (default: the spec's maxDepth)."),
            OptionSpec(
                flag: "--workers", valueName: "N",
                help: "Threads expanding states (default: all cores). Same result for any N."),
            OptionSpec(
                flag: "--correct", valueName: nil,
                help: "Check the correct Raft even if the spec names a mutant (expects a pass)."),
            OptionSpec(flag: "--symmetry", valueName: nil, help: "Visit states equal up to renaming servers once."),
            OptionSpec(flag: "--no-symmetry", valueName: nil, help: "Turn symmetry off even if the spec asks for it."),
            OptionSpec(
                flag: "--por", valueName: nil,
                help:
                    "Partial-order reduction by sleep sets (breadth-first): the same states and verdict, fewer transitions."
            ),
            OptionSpec(
                flag: "--no-por", valueName: nil, help: "Turn partial-order reduction off even if the spec asks for it."
            ),
            OptionSpec(
                flag: "--max-states", valueName: "N",
                help: "Stop after N distinct states: verdict INCOMPLETE, exit 5, unless the spec accepts it."),
            OptionSpec(
                flag: "--max-memory-mb", valueName: "N",
                help:
                    "Stop when the process's resident memory (RSS, from /proc/self/statm) passes N MiB (default 8192): "
                    + "verdict INCOMPLETE, exit 5. Without /proc, caps the visited set plus an estimate of the queue."),
        ] + swarmOptions + [
            OptionSpec(
                flag: "--fail-on-violation", valueName: nil,
                help: "Exit 1 on any violation, even one the spec or --mutant expects (as TLC does)."),
            OptionSpec(
                flag: "--accept-undecided", valueName: nil,
                help: "Exit as if passed, not 7, when a client history's linearizability search ran out of budget."),
            RaftLab.linearizabilityBudgetOption,
            OptionSpec(
                flag: "--trace-out", valueName: "FILE",
                help: "Write the counterexample as a trace for 'raftlab replay'."),
            OptionSpec(
                flag: "--coverage", valueName: nil,
                help: "Count every transition explored by role, input and outcome; print the table, rows never hit too."
            ),
            OptionSpec(
                flag: "--reach-trace-out", valueName: "DIR",
                help: "Write a shortest trace to each situation of the spec's reach list as DIR/<situation>.json."),
            OptionSpec(flag: "--json", valueName: nil, help: "Print the summary as one JSON object."),
            OptionSpec(
                flag: "--junit", valueName: "FILE", help: "Write a JUnit XML report: the spec as one test case."),
            OptionSpec(flag: "--quiet", valueName: nil, help: "No progress lines on stderr."),
        ],
        discussion: """
            Without SPEC.json, checks the built-in default: 3 servers, terms up to 2, one client command,
            one crash, one drop and one duplicate. specs/README.md documents the spec format.

            Every verdict says how complete it was: frontier exhausted (with or without paths cut by the
            depth bound), stopped at the first violation, or stopped early by --max-states or
            --max-memory-mb. Depth-first search is as complete as breadth-first within the same bound.

            A spec's "reach" list names situations the check must reach (a leader elected, an entry
            committed, a conflicting suffix truncated, ...; specs/README.md lists them): each is
            reported as reached, with the depth of the shortest path found, or not. A run that
            exhausts its bounds without reaching one is VACUOUS: its pass says nothing about that
            situation. --coverage prints how many transitions fell in each row of role x input x
            outcome (accepted, or refused and why), and the rows never hit. The built-in default
            reports both. 'raftlab show DIR/<situation>.json' draws a trace --reach-trace-out wrote.

            Exit 0 when the verdict is what the spec expects: a spec without mutant expects "pass"; under
            --mutant, exit 0 means the expected violation WAS FOUND (add --fail-on-violation to exit 1 on
            any violation). Exit 1 when an invariant fails unexpectedly, 4 when an expected violation
            was not found in the whole bounded space, 6 when the run is VACUOUS (no violation, but a
            situation the spec's "reach" list expects was never reached), 5 when the run is INCOMPLETE (stopped by
            --max-states or --max-memory-mb before its bounds were exhausted; a spec with
            "acceptIncomplete": true is judged on the part explored instead), 64/65/66 for bad usage or
            input, 73 when a --trace-out or --junit file cannot be written (checked before the search
            starts), 74 when standard output cannot be written. With clients, a pass whose search met a
            client history the linearizability checker could not decide within its budget (20,000
            steps a key; --linearizability-budget lowers it) is not a pass: a line "linearizability UNDECIDED" counts such completions and
            names the shortest such history (--json: "linearizabilityUndecided"), and the exit code is 7
            unless --accept-undecided.

            SIGINT (Ctrl-C) or SIGTERM stops the search between batches of states: the states and depth
            reached are printed (and the --json and --junit reports written) marked as interrupted, with
            no verdict, and the exit code is 130 (SIGINT) or 143 (SIGTERM). A second signal ends the
            process at once. The temporary file of path records never outlives the process.

            \(swarmDiscussion)

            EXAMPLES:
              raftlab check
              raftlab check specs/replication.json --workers 2
              raftlab check specs/mutants/vote-twice.json --trace-out cex.json && raftlab replay cex.json
              raftlab check specs/replication.json --coverage --reach-trace-out reached
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        var checkSpec = CheckSpec.builtInDefault
        var specLabel = "built-in default"
        if let path = arguments.positionals.first {
            do {
                checkSpec = try CheckSpec.decode(Files.read(path))
            } catch let error as InputError {
                throw CommandFailure(code: .badInput, message: "\(path): \(error.description)")
            }
            specLabel = path
        }
        let commandLineMutant = try RaftLab.mutant(arguments)
        if commandLineMutant != nil && arguments.has("--correct") {
            throw UsageError(message: "--mutant and --correct contradict each other")
        }
        let mutant = arguments.has("--correct") ? nil : commandLineMutant ?? checkSpec.mutant
        var options = CheckerOptions()
        switch arguments.value("--strategy") ?? (checkSpec.depthFirst ? "dfs" : "bfs") {
        case "bfs": options.strategy = .breadthFirst
        case "dfs": options.strategy = .depthFirst
        case let other: throw UsageError(message: "option '--strategy' expects bfs or dfs, got '\(other)'")
        }
        // Depth counts from the initial world, so a spec's `start` prefix spends part of the bound.
        let depthBound = try arguments.integer("--depth", in: 1...1_000_000) ?? checkSpec.world.maxDepth
        let start = checkSpec.start
        if depthBound <= start.count {
            throw UsageError(
                message:
                    "option '--depth' is \(depthBound) but the spec's start has \(start.count) steps; depth counts "
                    + "from the initial world, so it must exceed them")
        }
        options.maxDepth = depthBound - start.count
        options.workers =
            try arguments.integer("--workers", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        options.symmetry = arguments.has("--no-symmetry") ? false : (arguments.has("--symmetry") || checkSpec.symmetry)
        options.partialOrderReduction =
            arguments.has("--no-por") ? false : (arguments.has("--por") || checkSpec.partialOrderReduction)
        options.maxStates = try arguments.integer("--max-states", in: 1...Int.max) ?? checkSpec.maxStates ?? Int.max
        options.maxMemoryBytes = (try arguments.integer("--max-memory-mb", in: 1...1_048_576) ?? 8192) << 20
        options.memoryInUse = { ResidentMemory.bytes() }
        let swarm = try applySwarmOptions(arguments, to: &options)
        if options.partialOrderReduction
            && (options.strategy != .breadthFirst || options.bitstate != nil || options.actionOrderSeed != nil)
        {
            throw UsageError(
                message: "option '--por' works with breadth-first search only (not dfs, --bitstate or --swarm)")
        }
        let json = arguments.has("--json")
        Interrupts.install()
        options.shouldStop = Interrupts.requested
        if !arguments.has("--quiet") {
            options.progress = { progress in
                let rate =
                    progress.elapsedSeconds > 0 ? Int(Double(progress.distinctStates) / progress.elapsedSeconds) : 0
                console.printError(
                    "  states \(progress.totalStates)  distinct \(progress.distinctStates)  queue \(progress.queued)  "
                        + "depth \(progress.depth + start.count)  \(rate) distinct/s")
            }
        }
        let rules = WorldRules(spec: checkSpec.world, mutant: mutant)
        var model = RaftModel(rules: rules, properties: checkSpec.properties)
        // The spec replayed its start under its own mutant when decoded; --mutant or --correct
        // may choose another, under which the same steps must replay too.
        let startPath: [World]
        do {
            startPath = try checkSpec.startPath(rules: rules)
        } catch {
            throw CommandFailure(
                code: .badInput, message: "\(specLabel): \(error.description) (under mutant \(mutant?.name ?? "none"))")
        }
        if let startWorld = startPath.last { model.startWorld = startWorld }
        let undecided = checkSpec.world.clients > 0 ? UndecidedHistories() : nil
        model.undecidedHistories = undecided
        model.undecidedSearchBudget = try RaftLab.linearizabilityBudget(arguments)
        // Reach is judged only where a pass is expected: a run meant to find a violation stops
        // there, and looking for situations would only slow the search down.
        if checkSpec.expectation(under: mutant) == .pass { model.situations = checkSpec.reach }
        // The default check is the first look: it shows what it exercised without being asked.
        let showsCoverage = arguments.has("--coverage") || arguments.positionals.isEmpty
        model.countsCoverage = showsCoverage
        let reachFolder = arguments.value("--reach-trace-out")
        if let reachFolder { try Files.checkWritable(folder: reachFolder) }
        if !json {
            console.print(
                "raftlab check: spec \(checkSpec.world.name) (\(specLabel)), mutant \(mutant?.name ?? "none"), "
                    + "strategy \(options.strategy.rawValue), workers \(options.workers), symmetry \(options.symmetry ? "on" : "off")"
                    + (options.partialOrderReduction ? ", partial-order reduction on" : "")
            )
            console.print("  \(checkSpec.world.summary)")
            if !start.isEmpty {
                console.print(
                    "  starting after a prefix of \(start.count) step\(start.count == 1 ? "" : "s") (the spec's start); "
                        + "depths count from the initial world")
            }
        }
        let report = search(model, options, all: swarm.all, tableBytes: swarm.tableBytes, json: json, console)
            .restated(afterStart: start, path: startPath, from: rules.initialWorld)

        if case .incomplete = report.verdict, let signal = Interrupts.received {
            return try finishInterrupted(
                report, by: signal, depthBound: depthBound, spec: checkSpec, mutant: mutant, arguments,
                console)
        }
        let judgement = checkSpec.judge(
            report, mutant: mutant, failOnAnyViolation: arguments.has("--fail-on-violation"))
        var trace: Trace? = nil
        var violation: Violation? = nil
        if case .violated(let counterexample) = report.verdict {
            var replay = ReplayChooser(recorded: counterexample.actions)
            let result = try rules.run(chooser: &replay, maxSteps: counterexample.actions.count)
            violation = result.violation
            trace = Trace(
                producer: "raftlab check", spec: checkSpec.world, mutant: mutant, seed: nil,
                actions: counterexample.actions, violation: result.violation, digest: result.digest)
            if !json {
                let prefix = checkSpec.start.isEmpty ? "" : ", the first \(checkSpec.start.count) the spec's start"
                console.print("counterexample (\(counterexample.actions.count) steps\(prefix)):")
                console.print(TextRendering.render(Timeline(replaying: trace!)))
            }
        }
        var code: ExitCode =
            switch judgement.outcome {
            case .met: .ok
            case .violated: .safetyViolation
            case .violationNotFound: .expectationNotMet
            case .incomplete: .incomplete
            case .vacuous: .vacuous
            }
        // A pass (or a violation not found) that rests on an undecided history proves nothing.
        let undecidedCount = undecided?.count ?? 0
        if undecidedCount > 0 && !arguments.has("--accept-undecided")
            && (code == .ok || code == .expectationNotMet)
        {
            code = .linearizabilityUndecided
        }
        var reachTraces: [String: String] = [:]
        if let reachFolder {
            reachTraces = try writeReachTraces(report, rules: rules, spec: checkSpec, mutant: mutant, to: reachFolder)
        }
        if let path = arguments.value("--trace-out") {
            if let trace {
                try Files.writeAtomically(trace.encoded(), to: path)
            } else {
                console.printError("raftlab check: no counterexample, so nothing was written to \(path)")
            }
        }
        if let path = arguments.value("--junit") {
            var failure: JUnitFailure? = nil
            if code != .ok {
                if let trace, let violation {
                    failure = JUnitFailure(violation: violation, in: Timeline(replaying: trace))
                } else {
                    failure = JUnitFailure(
                        message: "\(judgement.summary); got \(report.verdictName) (\(report.coverageDescription))",
                        type: judgement.outcome == .incomplete
                            ? "incomplete" : judgement.outcome == .vacuous ? "vacuous" : "expectation")
                }
            }
            let testCase = JUnitCase(
                name: checkSpec.world.name + (mutant.map { " --mutant \($0.name)" } ?? ""), className: "raftlab.check",
                timeSeconds: report.elapsedSeconds, failure: failure)
            try JUnitReport(suiteName: "raftlab check", cases: [testCase]).write(to: path)
        }
        if json {
            console.print(
                withUndecided(
                    withBitstate(
                        summaryJSON(report, checkSpec, mutant, judgement, violation, code, reachTraces: reachTraces),
                        report),
                    undecided
                ).encoded(pretty: false))
        } else {
            printSummary(report, violation, judgement, mutant: mutant, code, console)
            if let undecided, let detail = undecided.firstDetail {
                console.print(
                    "linearizability UNDECIDED after \(undecided.count) completions (not a pass"
                        + (code == .linearizabilityUndecided ? "; exit 7" : "") + "): \(detail)")
            }
            printReach(report, reachTraces: reachTraces, console)
            if showsCoverage { for line in coverageTable(report).lines { console.print(line) } }
            if let path = arguments.value("--trace-out"), trace != nil {
                console.print("trace written to \(path); replay it with: raftlab replay \(path)")
            }
        }
        return code
    }

    /// The `--json` summary with the undecided histories' count and first words, for a spec
    /// with clients.
    static func withUndecided(_ summary: JSONValue, _ undecided: UndecidedHistories?) -> JSONValue {
        guard let undecided, case .object(var members) = summary else { return summary }
        members.append(("linearizabilityUndecided", .integer(undecided.count)))
        members.append(("undecidedDetail", undecided.firstDetail.map(JSONValue.string) ?? .null))
        return .object(members)
    }

    static func printSummary(
        _ report: CheckReport<RaftModel>, _ violation: Violation?, _ judgement: CheckJudgement, mutant: Mutant?,
        _ code: ExitCode, _ console: Console
    ) {
        switch report.verdict {
        case .passed:
            console.print(
                "verdict: PASS: no invariant violated in \(report.distinctStates) distinct states (\(report.coverageDescription))"
            )
        case .incomplete:
            console.print(
                "verdict: INCOMPLETE: no invariant violated in \(report.distinctStates) distinct states, but the run "
                    + "\(report.coverageDescription)")
        case .violated:
            console.print(TraceText.verdict(violation, steps: 0))
        }
        let rate = report.elapsedSeconds > 0 ? Int(Double(report.distinctStates) / report.elapsedSeconds) : 0
        console.print(
            "distinct states \(report.distinctStates), total states \(report.totalStates), depth \(report.maxDepthReached), "
                + "time \(formatSeconds(report.elapsedSeconds)), \(rate) distinct states/s, "
                + "\(String(format: "%.1f", report.bytesPerState)) bytes/state, \(report.workers) workers")
        if let bitstate = report.bitstate { console.print(bitstate.description) }
        if report.sleptTransitions > 0 {
            console.print(
                "transitions skipped by sleep sets: \(report.sleptTransitions) (their other order was explored)")
        }
        if report.reexpandedStates > 0 {
            console.print(
                "states expanded again from a shorter path: \(report.reexpandedStates) (keeps depth-first search "
                    + "complete within its depth bound)")
        }
        console.print("actions fired: " + report.actionCounts.map { "\($0.kind) \($0.count)" }.joined(separator: ", "))
        if !report.situations.isEmpty {
            let reached = report.situations.filter { $0.witness != nil }.count
            console.print("situations reached: \(reached) of the \(report.situations.count) the spec expects")
        }
        console.print(judgement.summary)
        if mutant != nil, code == .ok {
            console.print(
                "exit 0: the violation expected of the mutant was found (--fail-on-violation exits 1 on any violation)")
        }
    }

    static func summaryJSON(
        _ report: CheckReport<RaftModel>, _ spec: CheckSpec, _ mutant: Mutant?, _ judgement: CheckJudgement,
        _ violation: Violation?, _ code: ExitCode, reachTraces: [String: String] = [:]
    ) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("spec", .string(spec.world.name)), ("mutant", mutant.map { .string($0.name) } ?? .null),
            ("verdict", .string(report.verdictName)), ("coverage", .string(report.coverageName)),
            ("coverageDetail", .string(report.coverageDescription)),
            ("expected", .string(CheckSpec.describe(judgement.expected))), ("expectationMet", .bool(code == .ok)),
            ("acceptedIncomplete", .bool(judgement.acceptedIncomplete)), ("exitCode", .integer(Int(code.rawValue))),
            ("invariant", violation.map { .string($0.invariant.rawValue) } ?? .null),
            ("detail", violation.map { .string($0.detail) } ?? .null),
            ("distinctStates", .integer(report.distinctStates)), ("totalStates", .integer(report.totalStates)),
            ("reexpandedStates", .integer(report.reexpandedStates)),
            ("sleptTransitions", .integer(report.sleptTransitions)), ("depth", .integer(report.maxDepthReached)),
            ("milliseconds", .integer(Int(report.elapsedSeconds * 1000))),
            ("bytesPerState", .integer(Int(report.bytesPerState.rounded()))), ("workers", .integer(report.workers)),
            ("actions", .object(report.actionCounts.map { ($0.kind, JSONValue.integer($0.count)) })),
            ("startSteps", .integer(spec.start.count)),
        ]
        if !report.situations.isEmpty {
            members.append(("unreached", .array(judgement.unreached.map { .string($0.rawValue) })))
            members.append(
                (
                    "reach",
                    .array(
                        report.situations.map { situation in
                            .object([
                                ("situation", .string(situation.name)), ("reached", .bool(situation.witness != nil)),
                                ("depth", situation.witness.map { .integer($0.depth) } ?? .null),
                                ("trace", reachTraces[situation.name].map(JSONValue.string) ?? .null),
                            ])
                        })
                ))
        }
        // "coverage" already says how complete the search was.
        if !report.transitionClassCounts.isEmpty { members.append(("protocolCoverage", coverageTable(report).json)) }
        return .object(members)
    }

    /// The coverage table the checker counted (`RaftModel.countsCoverage`).
    static func coverageTable(_ report: CheckReport<RaftModel>) -> CoverageTable {
        CoverageTable(counts: report.transitionClassCounts)
    }

    /// One line per situation the spec expects: reached at which depth (and its trace file), or not.
    static func printReach(_ report: CheckReport<RaftModel>, reachTraces: [String: String], _ console: Console) {
        guard !report.situations.isEmpty else { return }
        let width = report.situations.map(\.name.count).max()!
        let exhausted: Bool =
            switch report.coverage {
            case .exhaustive, .exhaustiveWithinDepth: true
            case .stoppedAtViolation, .stoppedByLimit, .bitstateSearchEnded: false
            }
        console.print("reach:")
        for situation in report.situations {
            let name = situation.name + String(repeating: " ", count: width - situation.name.count)
            if let witness = situation.witness {
                let file = reachTraces[situation.name].map { "  (trace \($0))" } ?? ""
                console.print("  \(name)  reached at depth \(witness.depth)\(file)")
            } else {
                console.print("  \(name)  NOT REACHED" + (exhausted ? "" : " in the part explored"))
            }
        }
    }

    /// Writes each reached situation's witness as a trace `raftlab show` and `replay` read, named
    /// `<situation>.json` in `folder`; returns the paths by situation.
    static func writeReachTraces(
        _ report: CheckReport<RaftModel>, rules: WorldRules, spec: CheckSpec, mutant: Mutant?, to folder: String
    ) throws -> [String: String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(code: .cannotCreate, message: "\(folder): cannot create the folder")
        }
        var written: [String: String] = [:]
        for situation in report.situations {
            guard let witness = situation.witness else { continue }
            var replay = ReplayChooser(recorded: witness.actions)
            let result = try rules.run(chooser: &replay, maxSteps: witness.actions.count)
            let trace = Trace(
                producer: "raftlab check --reach-trace-out (\(situation.name))", spec: spec.world, mutant: mutant,
                seed: nil, actions: witness.actions, violation: result.violation, digest: result.digest)
            let path = (folder as NSString).appendingPathComponent("\(situation.name).json")
            try Files.writeAtomically(trace.encoded(), to: path)
            written[situation.name] = path
        }
        return written
    }

    static func formatSeconds(_ seconds: Double) -> String { String(format: "%.2f s", seconds) }
}
