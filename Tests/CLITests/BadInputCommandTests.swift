import Foundation
import RaftSimulation
import RaftTestSupport
import Testing

/// The house rule for bad input, end to end: whatever a spec or trace file holds, `check` and
/// `replay` answer with exit 65 and one line on stderr that cannot drive the terminal.
///
/// The library's decoders meet a thousand mutated files each in `MalformedInputTests`; this
/// sample runs a few dozen through the real binary, with values chosen to be shown in the error
/// (unknown keys, a wrong format name, an unknown strategy) so that the escaping reaches stderr.
@Suite("raftlab check and replay on hostile input files")
struct BadInputCommandTests {
    static let repository = Repository.root

    /// Pieces of a hostile value, as they appear inside a JSON string literal.
    static let pieces = [
        "\\n", "\\r", "\\u001b[31m", "\\u001b]0;title\\u0007", "\\u009b2J", "\\u0085", "\\u2028", "\\u202e",
        "\\u0000", "\\u007f", "plain", "s01",
    ]

    /// A value of one to four pieces, or a very long one.
    static func hostileValue(_ random: inout PRNG) -> String {
        if random.uniform(in: 0...4) == 0 {
            return String(repeating: "A", count: random.uniform(in: 1_000...100_000)) + "\\n"
        }
        return (0..<random.uniform(in: 1...4)).map { _ in pieces[random.uniform(in: 0...(pieces.count - 1))] }
            .joined()
    }

    /// `base` damaged in one of several ways that every decoder must refuse.
    static func damaged(_ base: String, isSpec: Bool, _ random: inout PRNG) -> [UInt8] {
        let value = hostileValue(&random)
        var text = base
        switch random.uniform(in: 0...4) {
        case 0:
            text = "{\"\(value)\": 1, " + base.drop { $0 != "{" }.dropFirst()
        case 1 where isSpec:
            text = "{\"strategy\": \"\(value)\", " + base.drop { $0 != "{" }.dropFirst()
        case 1:
            text = base.replacingOccurrences(of: "\"format\": \"raftlab-trace\"", with: "\"format\": \"\(value)\"")
        case 2:
            // A raw control character inside a string literal is not JSON.
            text = base.replacingOccurrences(of: "\"name\": \"", with: "\"name\": \"\u{1B}[2J")
            if text == base { text = base.replacingOccurrences(of: "\"format\": \"", with: "\"format\": \"\u{1B}[2J") }
        case 3:
            var bytes = Array(base.utf8)
            bytes.insert(0xFF, at: random.uniform(in: 0...bytes.count))
            return bytes
        default:
            let bytes = Array(base.utf8)
            return Array(bytes[..<random.uniform(in: 1...(bytes.count - 3))])
        }
        return Array(text.utf8)
    }

    @Test("40 hostile files: exit 65 and exactly one safe, short line on stderr")
    func hostileFiles() throws {
        let specs = try ["election", "replication", "partitions", "mutants/vote-twice"].map {
            try String(contentsOf: Self.repository.appendingPathComponent("specs/\($0).json"), encoding: .utf8)
        }
        let traces = try ["mutants/vote-twice", "mutants/commit-previous-term", "examples/vote-twice-seed-6"].map {
            try String(contentsOf: Self.repository.appendingPathComponent("corpus/\($0).json"), encoding: .utf8)
        }
        let folder = temporaryPath("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var random = PRNG(seed: 65)
        for number in 0..<40 {
            let isSpec = number % 2 == 0
            let base = isSpec ? specs[number / 2 % specs.count] : traces[number / 2 % traces.count]
            let path = "\(folder)/\(number).json"
            try Data(Self.damaged(base, isSpec: isSpec, &random)).write(to: URL(fileURLWithPath: path))
            let run = try Executable.run([isSpec ? "check" : "replay", path])
            #expect(run.exitCode == 65, "file \(number): \(run.stderr.prefix(300).debugDescription)")
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 2 && lines[1].isEmpty, "file \(number): \(run.stderr.prefix(300).debugDescription)")
            #expect(lines[0].hasPrefix("raftlab \(isSpec ? "check" : "replay"): \(path): "))
            #expect(lines[0].count <= path.count + 350, "file \(number): \(lines[0].count) characters")
            let unsafe = run.stderr.dropLast().unicodeScalars.filter {
                $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x202E
            }
            #expect(unsafe.isEmpty, "file \(number): \(run.stderr.prefix(300).debugDescription)")
        }
    }
}
