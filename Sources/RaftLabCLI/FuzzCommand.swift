import Foundation
import RaftCore
import RaftCorpus
import RaftFuzzing
import RaftModel
import RaftSimulation
import TraceRendering

/// `raftlab fuzz`: many seeded runs with swarm fault profiles, virtual time and a liveness phase.
enum FuzzCommand {
    static let spec = CommandSpec(
        name: "fuzz",
        summary: "Run seeded random fault campaigns; shrink and save what they find to the corpus.",
        usage:
            "fuzz [SPEC.json] [--seed S] [--runs N | --time SECONDS] [--servers N] [--clients N] [--workers N] [--mutant NAME] [--corpus DIR] [--keep-going] [--accept-undecided] [--linearizability-budget STEPS] [--shard K/N] [--summary FILE] [--coverage] [--json] [--junit FILE] [--quiet]",
        positionals: 0...1,
        options: [
            OptionSpec(flag: "--seed", valueName: "S", help: "Base seed (decimal or 0x hex). Default 1."),
            OptionSpec(flag: "--runs", valueName: "N", help: "Number of runs. Default 1000."),
            OptionSpec(flag: "--time", valueName: "SECONDS", help: "Run until this much wall-clock time has passed."),
            OptionSpec(
                flag: "--servers", valueName: "N",
                help: "Every run has N servers (1-7); by default each run's seed draws it, unless SPEC.json sets it."),
            OptionSpec(
                flag: "--workers", valueName: "N", help: "Threads (default: all cores). Same results for any N."),
            OptionSpec(
                flag: "--mutant", valueName: "NAME", help: "Fuzz a documented Raft bug (see 'raftlab mutants')."),
            OptionSpec(
                flag: "--corpus", valueName: "DIR",
                help: "Where failing traces are saved (shrunk; whole in DIR/unshrunk). Default corpus/found."),
            OptionSpec(
                flag: "--keep-going", valueName: nil, help: "Collect every failure instead of stopping at the first."),
            OptionSpec(
                flag: "--accept-undecided", valueName: nil,
                help: "Exit 0, not 7, when a client history's linearizability search ran out of budget."),
            RaftLab.linearizabilityBudgetOption,
            OptionSpec(
                flag: "--shard", valueName: "K/N",
                help: "Run only the K-th (from 0) of N slices of the --runs campaign; /N reads K from the environment."),
            OptionSpec(
                flag: "--summary", valueName: "FILE",
                help: "Write the JSON summary, with per-run records, to FILE: what 'raftlab merge' reads."),
            OptionSpec(
                flag: "--coverage", valueName: nil,
                help: "Count every step by role, input and outcome; print the table, rows never hit too."),
            OptionSpec(
                flag: "--clients", valueName: "N",
                help: "Session clients (1 to 3): operations over the network, retries, linearizability checked."),
            OptionSpec(flag: "--json", valueName: nil, help: "Print the summary as one JSON object."),
            OptionSpec(flag: "--junit", valueName: "FILE", help: "Write a JUnit XML report: one case per failing run."),
            OptionSpec(flag: "--quiet", valueName: nil, help: "No progress lines on stderr."),
        ],
        discussion: """
            Each run is decided by one 64-bit seed: run 0 uses --seed itself, run k a seed derived from
            (seed, k). The seed switches each fault kind on or off and sets its rate (message loss,
            duplication, reordering, long delays, symmetric and one-way partitions, crashes and
            restarts, client load, clogs that hold one server's messages for 100-1000 ticks and then
            deliver them) and drives a virtual clock: election timeouts drawn from 150-300
            ticks, heartbeats every 30-60 ticks, message delays of 1-20 ticks. Every step is an action
            of the same world the model checker explores, and every invariant is checked after each.

            A run has a safety phase with faults (1000-4000 ticks), then a liveness phase: the network
            heals, crashed servers restart, faults stop, and within 5000 ticks one leader must be
            followed by every server, a probe command sent to it must be acknowledged, and every
            acknowledged command must be applied on every server. Runs where the spec's maxTerm or
            maxClientRequests stopped the cluster are counted as "liveness not judged".

            Without SPEC.json the built-in fuzz world is used (generous bounds), and each run's seed
            also draws its number of servers: 3 or 5 in 5 runs of 16 each, 7 in 2, and 1, 2, 4 or 6 in
            1 each. The banner of a single run and every trace record the size; --servers N pins it.
            Unless the spec has a "protocol" object (which pins every switch), each run of the correct
            Raft also draws the mechanisms beyond Figure 2: PreVote, CheckQuorum, a pipeline window,
            batching and fast backtracking, each on in about half the runs; a mutant of one of them
            always runs with its mechanism on, and a mutant of a Figure 2 rule runs Figure 2.
            Half the runs of the correct Raft on the built-in world also change membership: some
            slots start as spares, and a client asks the leader to add, promote or remove servers
            (in some runs from an even number of voters, with proposals right after each election
            and a network split soon after it; a membership mutant always gets all three).
            --clients N adds N session clients that read, write and retry, judged for
            exactly-once and linearizability.
            A spec file (the format of specs/, see specs/README.md) sets the servers and the bounds and
            every invariant is checked; its maxDepth, a model-checking depth, does not apply: each run
            takes at most 20,000 steps.

            A safety violation's whole trace is saved the moment the run is found, in DIR/unshrunk/;
            the first violation of each invariant is then shrunk and saved in DIR, and the first
            liveness failure is saved in DIR whole (not shrunk). Files are named
            <invariant or liveness>-<hash of the content>.json, so a campaign run again finds its
            files already there and writes nothing new. Each failure is printed as it is found, with
            the command that replays its trace and the one that reruns it from its seed; a trace that
            cannot be saved is reported on stderr and the seed still reproduces it.

            --shard K/N runs the runs k of the campaign with k % N == K, with the seeds the whole campaign
            gives them, so N shards on N machines run exactly the campaign one machine would. K counts
            from 0; --shard /N takes K from RAFTLAB_SHARD, else from JOB_COMPLETION_INDEX (set by a
            Kubernetes Indexed Job). It needs --runs. Write each shard's --summary (and --corpus,
            --junit) into its own folder and 'raftlab merge' them: the merged runs, failures and digest
            are those of the unsharded campaign.

            --coverage counts every step of every run by the stepped server's role, its input (message
            kind, timer, client request, crash, restart) and the outcome (accepted, or refused and why),
            the same table 'raftlab check --coverage' counts over transitions, and prints it with the
            rows no step hit; --json adds it as "coverage": {"rows": [...]}, rows in a fixed order.

            SIGINT (Ctrl-C) or SIGTERM stops the campaign after the runs under way: the summary, the
            --json and the --junit report cover the runs done, marked as interrupted, and every
            failure found is already saved. A second signal ends the process at once.

            A run with clients ends with its whole history checked for linearizability; a history the
            search cannot decide within its budget (20,000 steps a key; --linearizability-budget lowers
            it) is neither a pass nor a failure:
            the summary counts such runs ("undecided", with the first one's run and seed; --json:
            "linearizabilityUndecided") and the campaign exits 7 unless --accept-undecided.

            Exit 0 when every run passed, 1 on a safety violation, 2 on a liveness failure (and no
            safety violation), 7 when a run's client history was undecided (and nothing failed; 0 with
            --accept-undecided), 64 bad command line, 65 malformed spec, 73 corpus or --junit file not
            writable (checked before the first run), 74 standard output not writable, 130 interrupted
            by SIGINT, 143 by SIGTERM.

            EXAMPLES:
              raftlab fuzz --runs 10000
              raftlab fuzz --mutant vote-without-log-check
              raftlab fuzz --seed 1 --runs 1 --mutant vote-without-log-check
            """)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let specFile = arguments.positionals.first
        var worldSpec = WorldSpec.fuzzDefault
        var specMutant: Mutant? = nil
        if let path = specFile {
            do {
                let checkSpec = try CheckSpec.decode(Files.read(path))
                worldSpec = checkSpec.world
                specMutant = checkSpec.mutant
                if worldSpec.hasSearchOnlyBounds {
                    throw InputError(
                        path: "bounds",
                        message:
                            "maxElections, maxHeartbeats and discardStaleMessages bound only `raftlab check`; the fuzzer does not follow them"
                    )
                }
            } catch let error as InputError {
                throw CommandFailure(code: .badInput, message: "\(path): \(error.description)")
            }
        }
        let pinnedServers = try arguments.integer("--servers", in: 1...WorldSpec.maxServers)
        if let pinnedServers { worldSpec.servers = pinnedServers }
        if let clients = try arguments.integer("--clients", in: 1...SessionCommand.maxClients) {
            worldSpec.turnOnClients(clients)
        }
        // The size is drawn per run unless a spec file or --servers pins it.
        let drawsClusterSize = specFile == nil && pinnedServers == nil
        let mutant = try RaftLab.mutant(arguments) ?? specMutant
        if worldSpec.clients > 0, let conflict = worldSpec.unsupportedCombination {
            throw UsageError(message: "--clients: \(conflict)")
        }
        if worldSpec.clients > 0, let mutant, mutant.needsSnapshots {
            throw UsageError(
                message:
                    "--clients: mutant \(mutant.name) is fuzzed with snapshots, which do not carry the session table yet"
            )
        }
        let seed = try arguments.seed("--seed") ?? 1
        let runs = try arguments.integer("--runs", in: 1...Int.max)
        let seconds = try arguments.integer("--time", in: 1...Int.max)
        if runs != nil && seconds != nil { throw UsageError(message: "give either --runs or --time, not both") }
        let workers = try arguments.integer("--workers", in: 1...256) ?? ProcessInfo.processInfo.activeProcessorCount
        let corpus = arguments.value("--corpus") ?? "corpus/found"
        let junitPath = arguments.value("--junit")
        let summaryPath = arguments.value("--summary")
        if let summaryPath { try Files.checkWritable(file: summaryPath) }
        let shard = try arguments.value("--shard").map {
            try ShardArgument.resolve($0, flag: "--shard", environment: ProcessInfo.processInfo.environment)
        }
        if shard != nil && seconds != nil {
            throw UsageError(message: "--shard needs --runs: a --time budget would end each shard at a different run")
        }
        // The default corpus too: a campaign must not find out at its first failure.
        try Files.checkWritable(folder: corpus)
        let json = arguments.has("--json")
        var campaign = Campaign(
            spec: worldSpec, mutant: mutant, baseSeed: seed, runs: seconds == nil ? (runs ?? 1000) : nil,
            timeLimit: seconds.map { .seconds($0) }, workers: workers, keepGoing: arguments.has("--keep-going"))
        campaign.drawsClusterSize = drawsClusterSize
        campaign.shard = shard
        Interrupts.install()
        campaign.shouldStop = Interrupts.requested
        campaign.countsCoverage = arguments.has("--coverage")
        campaign.linearizabilityStepBudget = try RaftLab.linearizabilityBudget(arguments)

        var context = FailureContext(spec: worldSpec, specFile: specFile, mutant: mutant)
        context.pinnedServers = pinnedServers
        if !json {
            let budget =
                (seconds.map { "time=\($0)s" } ?? "runs=\(campaign.runs!)") + (shard.map { " shard=\($0)" } ?? "")
            console.print(
                "raftlab fuzz: seed=\(seed) \(budget) workers=\(workers) mutant=\(mutant?.name ?? "none") "
                    + "spec=\(worldSpec.name)\(specFile.map { " (\($0))" } ?? "")")
            if drawsClusterSize {
                console.print(
                    "  "
                        + worldSpec.summary.replacingOccurrences(
                            of: "servers=\(worldSpec.servers) ", with: "servers=drawn ")
                        + " (servers drawn per run, weights \(ClusterSize.distributionDescription))")
            } else {
                console.print("  \(worldSpec.summary)")
            }
            if campaign.runs == 1 {
                let servers = drawsClusterSize ? ClusterSize.drawn(seed: seed) : worldSpec.servers
                console.print("  run 0: servers=\(servers) \(FaultProfile(seed: seed))")
            }
        }
        var progress: (@Sendable (Campaign.Progress) -> Void)? = nil
        if !arguments.has("--quiet") {
            progress = { (progress: Campaign.Progress) in
                let seconds = progress.elapsed.seconds
                let line =
                    "  runs \(progress.runsDone)  \(rate(progress.runsDone, seconds)) runs/s  "
                    + "\(rate(progress.steps, seconds)) steps/s  failures \(progress.failures)  "
                    + "elapsed \(Int(seconds)) s"
                console.printError(line)
            }
        }
        var pipeline = FailurePipeline(context: context, corpus: CorpusFolder(path: corpus))
        pipeline.shouldStop = Interrupts.requested
        // Each failure is printed the moment it is saved, so that its seed and files are on the
        // screen even if the campaign never ends normally.
        let findings = pipeline.run(campaign, progress: progress) { failure in
            for error in failure.saveErrors {
                console.printError(
                    "raftlab fuzz: \(error.description); run \(failure.run) is reproduced by: \(failure.reproduce)")
            }
            if !json { failure.print(to: console) }
        }
        let interruption = Interrupts.received
        if let junitPath {
            try junit(findings, interruption: interruption?.name).write(to: junitPath)
        }
        if let summaryPath {
            let summary = summaryJSON(
                findings, context, workers: workers, interruption: interruption?.name, campaign: campaign,
                includingRecords: true)
            try Files.writeAtomically(summary.encoded(pretty: false) + "\n", to: summaryPath)
        }
        if json {
            console.print(
                summaryJSON(
                    findings, context, workers: workers, interruption: interruption?.name,
                    campaign: shard == nil ? nil : campaign
                ).encoded(pretty: false))
        } else {
            printSummary(findings, console, interruption: interruption?.name)
        }
        if let interruption { return interruption.exitCode }
        if findings.safetyViolations > 0 { return .safetyViolation }
        if findings.livenessFailures > 0 { return .livenessViolation }
        let undecided = !findings.campaign.linearizabilityUndecided.isEmpty
        return undecided && !arguments.has("--accept-undecided") ? .linearizabilityUndecided : .ok
    }

    /// The closing summary; `interruption` names the signal that cut the campaign short.
    static func printSummary(_ findings: FuzzFindings, _ console: Console, interruption: String? = nil) {
        let report = findings.campaign
        let seconds = report.elapsed.seconds
        if let interruption {
            let seeds = findings.failures.map { String($0.runSeed) }
            console.print(
                "interrupted by \(interruption) after \(report.runs) runs; the figures below cover those runs"
                    + (seeds.isEmpty ? "" : "; failing run seeds: \(seeds.joined(separator: ", "))"))
        }
        console.print(
            "summary: \(report.runs) runs, \(report.steps) steps, \(findings.safetyViolations) safety violations, "
                + "\(findings.livenessFailures) liveness failures; \(rate(report.runs, seconds)) runs/s, "
                + "\(rate(report.steps, seconds)) steps/s, \(String(format: "%.2f", seconds)) s")
        let spent = report.spent
        console.print(
            "  faults: \(spent.drops) drops, \(spent.duplicates) duplicates, \(spent.crashes) crashes, "
                + "\(spent.partitions) partitions; \(spent.clientRequests) client requests accepted; "
                + "\(report.runsThatCommitted) runs committed entries")
        console.print(
            "  liveness: longest settling \(report.longestLivenessTicks) ticks (budget "
                + "\(FaultProfile.livenessBudgetTicks)); not judged in \(report.runsLivenessUnjudged) runs (spec bounds)"
        )
        if let line = undecidedLine(report) { console.print(line) }
        console.print("digest: \(hex16(report.digest))")
        if let coverage = report.coverage { for line in coverage.lines { console.print(line) } }
    }

    /// The summary line for runs whose client history the linearizability search could not
    /// decide, naming the first with its seed so that it can be run again; nil when none.
    static func undecidedLine(_ report: CampaignReport) -> String? {
        guard let first = report.linearizabilityUndecided.first else { return nil }
        let seed = RunSeeds.seed(base: report.baseSeed, run: first.run)
        return "  linearizability: undecided in \(report.linearizabilityUndecided.count) runs (not a pass): "
            + "first run \(first.run) (seed \(seed)): \(first.detail)"
    }

    /// The summary `--json` prints; with `campaign`, also the members a merge needs (the
    /// shard, the campaign's run count and, `includingRecords`, every run's record).
    static func summaryJSON(
        _ findings: FuzzFindings, _ context: FailureContext, workers: Int, interruption: String? = nil,
        campaign: Campaign? = nil, includingRecords: Bool = false
    ) -> JSONValue {
        let report = findings.campaign
        let seconds = report.elapsed.seconds
        var members: [(key: String, value: JSONValue)] = [
            ("command", .string("fuzz")), ("seed", .string(String(report.baseSeed))),
            ("spec", SpecCodec.encode(context.spec)), ("mutant", context.mutant.map { .string($0.name) } ?? .null),
            ("workers", .integer(workers)), ("runs", .integer(report.runs)), ("steps", .integer(report.steps)),
            ("milliseconds", .integer(Int(seconds * 1000))), ("runsPerSecond", .integer(rate(report.runs, seconds))),
            ("stepsPerSecond", .integer(rate(report.steps, seconds))),
            ("longestLivenessTicks", .integer(report.longestLivenessTicks)),
            ("livenessBudgetTicks", .integer(FaultProfile.livenessBudgetTicks)),
            ("livenessNotJudged", .integer(report.runsLivenessUnjudged)),
            ("linearizabilityUndecided", .integer(report.linearizabilityUndecided.count)),
            (
                "undecidedRuns",
                .array(
                    report.linearizabilityUndecided.map {
                        .object([("run", .integer($0.run)), ("detail", .string($0.detail))])
                    })
            ),
            ("failures", .array(findings.failures.map(\.json))), ("digest", .string(hex16(report.digest))),
            ("interrupted", interruption.map(JSONValue.string) ?? .null),
        ]
        if let campaign {
            members += ShardSummary.shardMembers(
                report, campaignRuns: campaign.runs, keepGoing: campaign.keepGoing, includingRecords: includingRecords)
        }
        if let coverage = report.coverage { members.append(("coverage", coverage.json)) }
        return .object(members)
    }

    static func junit(_ findings: FuzzFindings, interruption: String? = nil) -> JUnitReport {
        let report = findings.campaign
        var cases = findings.failures.map { failure in
            JUnitCase(
                name: "run \(failure.run) seed \(failure.runSeed)", className: "raftlab.fuzz", failure: failure.junit)
        }
        cases.append(
            JUnitCase(
                name: "\(report.runs - findings.failures.count) runs from seed \(report.baseSeed) without failure",
                className: "raftlab.fuzz", timeSeconds: report.elapsed.seconds))
        if let interruption {
            cases.append(
                JUnitCase(
                    name: "campaign from seed \(report.baseSeed)", className: "raftlab.fuzz",
                    failure: JUnitFailure(
                        message: "interrupted by \(interruption) after \(report.runs) runs", type: "interrupted",
                        kind: .error)))
        }
        return JUnitReport(suiteName: "raftlab fuzz", cases: cases)
    }

    static func rate(_ count: Int, _ seconds: Double) -> Int { seconds > 0 ? Int(Double(count) / seconds) : 0 }
}
