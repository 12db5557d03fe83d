import Foundation
import Linearizability
import RaftSimulation

/// `raftlab bench linearizability`: the time the linearizability checker takes to decide
/// client histories of the size issue #15 asks for.
///
/// Histories of 10,000 operations over 10 keys from 3 clients, generated from seeds 1 to 5 by a
/// store that is linearizable by construction; then the same histories with one read changed to
/// a value never written, decided once without shrinking and once with the violation shrunk.
/// Wall-clock figures: run on a quiet machine, and compare release builds only.
enum LinearizabilityBenchmark {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5]
    static let operationCount = 10_000
    static let keyCount = 10
    static let clientCount = 3

    struct Row {
        var name: String
        /// Seconds per history, in seed order.
        var seconds: [Double]
        /// Whether every history got the answer it was built to have.
        var answersRight: Bool
        /// Operations in the shrunk violations, in seed order (empty when nothing is shrunk).
        var shrunkSizes: [Int] = []
        var slowestSeconds: Double { seconds.max() ?? 0 }
        var meanSeconds: Double { seconds.isEmpty ? 0 : seconds.reduce(0, +) / Double(seconds.count) }
    }

    static func histories() -> [History<KeyValueInput, KeyValueOutput>] {
        seeds.map { seed in
            var generator = KeyValueHistoryGenerator(seed: seed)
            generator.operationCount = operationCount
            generator.keyCount = keyCount
            generator.clientCount = clientCount
            return generator.linearizableHistory()
        }
    }

    static func measure() -> [Row] {
        let good = histories()
        let bad = good.compactMap(KeyValueHistoryGenerator.withOneBadRead)
        let checker = LinearizabilityChecker(KeyValueSpecification())
        var deciding = checker
        deciding.minimisationStepBudget = 0
        // A warm-up, so that the first measurement does not pay for page faults and cold caches alone.
        _ = checker.check(good[0])

        func timed(
            _ histories: [History<KeyValueInput, KeyValueOutput>],
            _ checker: LinearizabilityChecker<KeyValueSpecification>
        ) -> (seconds: [Double], verdicts: [LinearizabilityChecker<KeyValueSpecification>.Verdict]) {
            var seconds: [Double] = []
            var verdicts: [LinearizabilityChecker<KeyValueSpecification>.Verdict] = []
            for history in histories {
                let clock = ContinuousClock()
                let start = clock.now
                verdicts.append(checker.check(history))
                seconds.append((clock.now - start).seconds)
            }
            return (seconds, verdicts)
        }
        let linearizable = timed(good, checker)
        let decided = timed(bad, deciding)
        let shrunk = timed(bad, checker)
        return [
            Row(
                name: "linearizable", seconds: linearizable.seconds,
                answersRight: linearizable.verdicts.allSatisfy(\.isLinearizable)),
            Row(
                name: "one bad read, decided", seconds: decided.seconds,
                answersRight: bad.count == good.count && decided.verdicts.allSatisfy { $0.violation != nil }),
            Row(
                name: "one bad read, shrunk", seconds: shrunk.seconds,
                answersRight: bad.count == good.count && shrunk.verdicts.allSatisfy { $0.violation?.isMinimal == true },
                shrunkSizes: shrunk.verdicts.map { $0.violation?.operations.count ?? 0 }),
        ]
    }

    static func run(_ console: Console, json: Bool) -> ExitCode {
        let scale =
            "\(seeds.count) histories of \(operationCount) operations over \(keyCount) keys from \(clientCount) clients"
        if !json { console.printError("bench linearizability: \(scale)...") }
        let rows = measure()
        let answersRight = rows.allSatisfy(\.answersRight)
        if json {
            let items = rows.map { row -> JSONValue in
                .object([
                    ("histories", .string(row.name)),
                    ("milliseconds", .array(row.seconds.map { .integer(Int(($0 * 1000).rounded())) })),
                    ("slowestMilliseconds", .integer(Int((row.slowestSeconds * 1000).rounded()))),
                    ("answersRight", .bool(row.answersRight)),
                    ("shrunkOperations", .array(row.shrunkSizes.map { .integer($0) })),
                ])
            }
            console.print(
                JSONValue.object([
                    ("benchmark", .string("linearizability")), ("operations", .integer(operationCount)),
                    ("keys", .integer(keyCount)), ("clients", .integer(clientCount)),
                    ("seeds", .array(seeds.map { .integer(Int($0)) })), ("rows", .array(items)),
                    ("answersRight", .bool(answersRight)),
                ]).encoded(pretty: false))
            return answersRight ? .ok : .expectationNotMet
        }
        console.print("bench linearizability: \(scale), seeds \(seeds.map(String.init).joined(separator: ", "))")
        console.print("histories                 mean      slowest   answers")
        for row in rows {
            var line = row.name.padding(toLength: 24, withPad: " ", startingAt: 0)
            line += String(format: "  %6.1f ms %7.1f ms", row.meanSeconds * 1000, row.slowestSeconds * 1000)
            line += row.answersRight ? "  right" : "  WRONG"
            if !row.shrunkSizes.isEmpty {
                line += " (shrunk to \(row.shrunkSizes.map(String.init).joined(separator: ", ")) operations)"
            }
            console.print(line)
        }
        return answersRight ? .ok : .expectationNotMet
    }
}
