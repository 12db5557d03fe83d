import Foundation
import RaftTestSupport
import Testing

/// RaftCore must be a pure value type: no Foundation, clocks, randomness, threads or I/O.
///
/// This scans its sources the way TigerBeetle's tidy.zig bans APIs.
@Suite("RaftCore purity")
struct PurityTests {
    static let banned: [(token: String, why: String)] = [
        ("import Foundation", "RaftCore must not depend on Foundation"),
        ("import Dispatch", "no threads in RaftCore"),
        (".random(", "randomness comes from the driver, never from RaftCore"),
        ("SystemRandomNumberGenerator", "randomness comes from the driver"),
        ("shuffled(", "randomness comes from the driver"),
        ("Date(", "RaftCore reads no clock; timers are directives"),
        ("ContinuousClock", "RaftCore reads no clock"),
        ("SuspendingClock", "RaftCore reads no clock"),
        ("DispatchQueue", "no threads in RaftCore"),
        ("Task {", "no concurrency in RaftCore"),
        (" async ", "no concurrency in RaftCore"),
        ("await ", "no concurrency in RaftCore"),
        ("Thread", "no threads in RaftCore"),
        ("print(", "RaftCore does no I/O; it returns effects"),
        ("FileHandle", "RaftCore does no I/O"),
        ("fopen(", "RaftCore does no I/O"),
        ("Set<", "Set iteration order varies per process; use NodeSet or arrays"),
        ("Dictionary<", "Dictionary iteration order varies per process; use arrays indexed by NodeID"),
        ("hashValue", "hashValue is seeded per process; fingerprints live in RaftSimulation"),
    ]

    static var coreSources: URL {
        Repository.root.appendingPathComponent("Sources/RaftCore")
    }

    @Test("RaftCore uses none of the banned APIs")
    func noBannedAPIs() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.coreSources.path)
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(files.count >= 5)
        for file in files {
            let text = try String(contentsOf: Self.coreSources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for rule in Self.banned where code.contains(rule.token) {
                    Issue.record("RaftCore/\(file):\(number + 1): '\(rule.token)' is banned: \(rule.why)")
                }
            }
        }
    }

    @Test("The scanner catches a banned token (it can fail)")
    func scannerFires() {
        let line = "let x = Int.random(in: 0..<3)"
        #expect(Self.banned.contains { line.contains($0.token) })
    }
}
