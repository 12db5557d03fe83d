import RaftCorpus
import RaftFuzzing
import RaftSimulation
import TraceRendering

/// How `raftlab fuzz` shows a failing run: text, a JSON member and a JUnit failure.
extension FailureReport {
    /// Prints the failure, where its trace was saved, and its shrunk trace when it was shrunk (the
    /// first failure of each kind).
    func print(to console: Console) {
        switch outcome {
        case .safety(let violation):
            console.print(
                "FAILURE run \(run) (run seed \(runSeed)): safety violation of \(violation.invariant.rawValue) at step "
                    + "\(violation.step): \(violation.detail)")
        case .liveness(let failure):
            console.print("FAILURE run \(run) (run seed \(runSeed)): \(failure)")
        case .passed:
            return
        }
        console.print("  profile: \(profile)")
        console.print("  reproduce the run: \(reproduce)")
        if let runFile { console.print("  trace as found: \(runFile); replay it with: raftlab replay \(runFile)") }
        guard let shrunk else {
            if let corpusFile {
                console.print(
                    "  saved to \(corpusFile) (\(steps) steps, not shrunk); "
                        + "replay it with: raftlab replay \(corpusFile)")
            }
            return
        }
        console.print(
            "  shrunk from \(steps) to \(shrunk.actions.count) steps on \(shrunk.spec.servers) servers:")
        console.print(TextRendering.render(Timeline(replaying: shrunk)))
        if let corpusFile {
            console.print("  saved to \(corpusFile); replay it with: raftlab replay \(corpusFile)")
        }
    }

    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("run", .integer(run)), ("runSeed", .string(String(runSeed))), ("kind", .string(outcome.kind.rawValue)),
        ]
        switch outcome {
        case .safety(let violation):
            members += [
                ("invariant", .string(violation.invariant.rawValue)), ("step", .integer(violation.step)),
                ("detail", .string(violation.detail)),
            ]
        case .liveness(let failure):
            members += [("invariant", .null), ("step", .integer(failure.step)), ("detail", .string(failure.detail))]
        case .passed:
            break
        }
        members += [
            ("steps", .integer(steps)), ("profile", .string(profile.description)), ("reproduce", .string(reproduce)),
            ("runFile", runFile.map(JSONValue.string) ?? .null),
            ("shrunkSteps", shrunk.map { .integer($0.actions.count) } ?? .null),
            ("shrunkServers", shrunk.map { .integer($0.spec.servers) } ?? .null),
            ("corpusFile", corpusFile.map(JSONValue.string) ?? .null),
            ("replay", corpusFile.map { .string("raftlab replay \($0)") } ?? .null),
        ]
        return .object(members)
    }

    var junit: JUnitFailure {
        switch outcome {
        case .safety(let violation):
            if let shrunk {
                var command = "raftlab replay \(corpusFile ?? "<shrunk trace>")"
                command += " (the unshrunk run: \(reproduce))"
                return JUnitFailure(
                    violation: shrunk.violation ?? violation, in: Timeline(replaying: shrunk), reproduce: command)
            }
            return JUnitFailure(
                message: "\(violation.invariant.rawValue) violated at step \(violation.step): \(violation.detail)",
                details: "reproduce: \(reproduce)\n", type: violation.invariant.rawValue)
        case .liveness(let failure):
            let replay = corpusFile.map { "replay: raftlab replay \($0)\n" } ?? ""
            return JUnitFailure(
                message: failure.description, details: "reproduce: \(reproduce)\n" + replay, type: "liveness")
        case .passed:
            return JUnitFailure(message: "passed")
        }
    }
}
