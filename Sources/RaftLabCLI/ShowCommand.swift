import RaftCore
import RaftCorpus
import RaftSimulation
import TraceRendering

/// `raftlab show`: render a trace for people (text, Mermaid, HTML) or for programs (JSON).
enum ShowCommand {
    static let spec = CommandSpec(
        name: "show",
        summary: "Render a trace as a step table, a Mermaid sequence diagram or an HTML space-time diagram.",
        usage: "show FILE [--format text|json|mermaid|html] [--out FILE]",
        positionals: 1...1,
        options: [
            OptionSpec(flag: "--format", valueName: "F", help: "text (default), json, mermaid or html."),
            OptionSpec(flag: "--out", valueName: "FILE", help: "Write to FILE instead of standard output."),
        ],
        discussion: """
            The trace is re-executed to recover every server's state after every step. A trace of up to
            2,000 steps is rendered in full; a longer one as its first and last 1,000 steps, with one
            line counting the actions and events of the steps between them, so that memory and output
            stay bounded. Long re-executions report progress on standard error.
              text     one line per step: each server's role, term, commit index and log, and the cause
              json     the same timeline for programs: every step with every server's full state
              mermaid  a sequence diagram in a ```mermaid block, for pull requests and wikis
              html     one self-contained page (no network): a space-time diagram with a lane per
                       server; click a step to see every server's full state

            A trace that no longer runs as recorded (the verdict of 'raftlab replay') still renders what
            could be replayed, with the reason on standard error, and exits 3.

            EXAMPLE:
              raftlab show corpus/examples/vote-twice-seed-6.json --format html --out trace.html
            """)

    /// The renderings `--format` accepts.
    enum Format: String, CaseIterable {
        case text, json, mermaid, html
    }

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> ExitCode {
        let formatName = arguments.value("--format") ?? Format.text.rawValue
        guard let format = Format(rawValue: formatName) else {
            let known = Format.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError(message: "unknown format '\(formatName)'; known: \(known)")
        }
        let path = arguments.positionals[0]
        let trace = try Files.readTrace(path)
        let (replay, timeline) = TraceReplay.laidOut(trace, mutant: trace.mutant) {
            console.printError("raftlab show: \(path): \($0)")
        }
        let verdict = TraceJudge.verdict(of: replay)
        if verdict.isDivergence {
            let shown = verdict.result == nil ? "the steps before it" : "the steps it took"
            console.printError("raftlab show: \(path): \(verdict.description); rendering \(shown)")
        }
        let rendered: String
        switch format {
        case .text: rendered = TextRendering.render(timeline)
        case .json: rendered = TimelineJSON.encode(timeline).encoded(pretty: true) + "\n"
        case .mermaid: rendered = MermaidRendering.render(timeline)
        case .html: rendered = HTMLRendering.render(timeline, title: path)
        }
        if let out = arguments.value("--out") {
            try Files.writeAtomically(rendered, to: out)
            console.printError("wrote \(format.rawValue) rendering of \(path) to \(out)")
        } else {
            console.write(rendered)
        }
        return verdict.isDivergence ? .replayDiverged : .ok
    }
}
