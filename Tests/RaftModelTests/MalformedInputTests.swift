import Foundation
import RaftTestSupport
import Testing

@testable import RaftModel
@testable import RaftSimulation

/// Makes malformed spec and trace files from real ones, the way a careless editor, a truncated
/// download or a hostile tester would: bytes deleted, inserted and replaced, lines swapped and
/// repeated, numbers made huge, negative or fractional, keys dropped, repeated and renamed, values
/// of the wrong type, deep nesting, control characters and very long strings.
///
/// Every choice comes from the project's own `PRNG`, so a failing case is found again from the
/// seed and its number.
struct InputMutator {
    var random: PRNG

    init(seed: UInt64) {
        random = PRNG(seed: seed)
    }

    /// `text` after one to three mutations.
    mutating func mutate(_ text: String) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<random.uniform(in: 1...3) {
            switch random.uniform(in: 0...9) {
            case 0: deleteBytes(&bytes)
            case 1: insertFragment(&bytes)
            case 2: replaceByte(&bytes)
            case 3: swapLines(&bytes)
            case 4: repeatLine(&bytes)
            case 5: replaceNumber(&bytes)
            case 6, 7: replaceStringContent(&bytes)
            default: mutateTree(&bytes)
            }
        }
        // A replaced byte may leave invalid UTF-8: it reaches the decoders repaired, as it would
        // from any reader that accepts the text at all.
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Pieces of JSON syntax, control bytes and multi-byte characters.
    static let fragments: [String] = [
        "{", "}", "[", "]", "\"", ",", ":", "\\", "-", "0", "1.5", "null", "true", "\"\": 1,", "\"k\": 1,",
        "\u{0}", "\u{7}", "\n", "\r", "\t", "\u{1B}[31m", "\u{7F}", "\u{85}", "\u{9B}", "\u{2028}", "\u{202E}", "日本",
        "\u{FEFF}", "\\u0000", "\\ud800", "\\u001b",
    ]

    /// Contents for string values: escape codes and separators (written as JSON escapes, so that
    /// the file still parses), names spelt other than canonically, and long values.
    static let hostileStrings: [String] = [
        "", " ", "\\n", "a\\nb", "\\r\\n", "\\u001b[2J\\u001b[H", "\\u0085", "\\u009b31m", "\\u2028", "\\u202e",
        "\\u0000", "\\t", "\\\\", "\\\"", "s01", "s0", "s9", "s+1", "S1", "x=03", "k0=1", "=1", "x=", "1:x=1",
        "+1:x=1", "07", "-1", "1.5", "0x10", "deliver", "ok", "violation", "raftlab-trace", "dfs", "pass",
        "election-safety", "vote-twice", "日本語", "e\\u0301",
    ]

    static let numbers: [String] = [
        "0", "-1", "-7", "1.5", "1e3", "007", "2147483648", "4294967296", "1000001", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "99999999999999999999999",
    ]

    private mutating func position(in bytes: [UInt8]) -> Int {
        random.uniform(in: 0...bytes.count)
    }

    private mutating func element<T>(_ items: [T]) -> T {
        items[random.uniform(in: 0...(items.count - 1))]
    }

    private mutating func deleteBytes(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let start = random.uniform(in: 0...(bytes.count - 1))
        let end = min(bytes.count, start + random.uniform(in: 1...16))
        bytes.removeSubrange(start..<end)
    }

    private mutating func insertFragment(_ bytes: inout [UInt8]) {
        bytes.insert(contentsOf: Array(element(Self.fragments).utf8), at: position(in: bytes))
    }

    private mutating func replaceByte(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        bytes[random.uniform(in: 0...(bytes.count - 1))] = UInt8(random.uniform(in: 0...255))
    }

    private func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            ranges.append(start..<offset)
            start = offset + 1
        }
        ranges.append(start..<bytes.count)
        return ranges
    }

    private mutating func swapLines(_ bytes: inout [UInt8]) {
        var lines = lineRanges(bytes).map { Array(bytes[$0]) }
        guard lines.count > 1 else { return }
        let first = random.uniform(in: 0...(lines.count - 1))
        let second = random.uniform(in: 0...(lines.count - 1))
        lines.swapAt(first, second)
        bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
    }

    private mutating func repeatLine(_ bytes: inout [UInt8]) {
        let lines = lineRanges(bytes)
        let line = element(lines)
        bytes.insert(contentsOf: bytes[line] + [UInt8(ascii: "\n")], at: line.lowerBound)
    }

    /// Replaces one run of digits (with its sign) by a number no writer would produce.
    private mutating func replaceNumber(_ bytes: inout [UInt8]) {
        var runs: [Range<Int>] = []
        var offset = 0
        while offset < bytes.count {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) else {
                offset += 1
                continue
            }
            var start = offset
            if start > 0, bytes[start - 1] == UInt8(ascii: "-") { start -= 1 }
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            runs.append(start..<offset)
        }
        guard !runs.isEmpty else { return insertFragment(&bytes) }
        bytes.replaceSubrange(element(runs), with: Array(element(Self.numbers).utf8))
    }

    /// Replaces the inside of one string literal (a key or a value), sometimes with a very long
    /// value.
    private mutating func replaceStringContent(_ bytes: inout [UInt8]) {
        var literals: [Range<Int>] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes[offset] == UInt8(ascii: "\"") else {
                offset += 1
                continue
            }
            let start = offset + 1
            offset = start
            while offset < bytes.count, bytes[offset] != UInt8(ascii: "\"") {
                offset += bytes[offset] == UInt8(ascii: "\\") ? 2 : 1
            }
            literals.append(start..<min(offset, bytes.count))
            offset += 1
        }
        guard !literals.isEmpty else { return insertFragment(&bytes) }
        let replacement: String
        if random.uniform(in: 0...9) == 0 {
            replacement = String(
                repeating: element(["a", "\\n", "\\u001b", "é"]), count: random.uniform(in: 1_000...200_000))
        } else {
            replacement = element(Self.hostileStrings)
        }
        bytes.replaceSubrange(element(literals), with: Array(replacement.utf8))
    }

    /// Parses the text and changes one node of the tree.
    ///
    /// A member is dropped, repeated or renamed, a value replaced by one of another type, or a
    /// value buried in deep nesting. Text that no longer parses gets a byte-level mutation instead.
    private mutating func mutateTree(_ bytes: inout [UInt8]) {
        guard let value = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)) else {
            return deleteBytes(&bytes)
        }
        var remaining = random.uniform(in: 0...(Self.nodeCount(value) - 1))
        let mutated = mutateNode(value, remaining: &remaining)
        bytes = Array(mutated.encoded(pretty: random.uniform(in: 0...1) == 0).utf8)
    }

    private static func nodeCount(_ value: JSONValue) -> Int {
        switch value {
        case .array(let elements): 1 + elements.reduce(0) { $0 + nodeCount($1) }
        case .object(let members): 1 + members.reduce(0) { $0 + nodeCount($1.value) }
        case .null, .bool, .integer, .string: 1
        }
    }

    /// Walks the tree in pre-order and mutates the node numbered `remaining`.
    private mutating func mutateNode(_ value: JSONValue, remaining: inout Int) -> JSONValue {
        if remaining == 0 {
            remaining = -1
            return mutated(value)
        }
        remaining -= 1
        switch value {
        case .array(let elements):
            return .array(elements.map { mutateNode($0, remaining: &remaining) })
        case .object(let members):
            return .object(members.map { (key: $0.key, value: mutateNode($0.value, remaining: &remaining)) })
        case .null, .bool, .integer, .string:
            return value
        }
    }

    private mutating func mutated(_ value: JSONValue) -> JSONValue {
        if case .object(var members) = value, !members.isEmpty, random.uniform(in: 0...1) == 0 {
            let index = random.uniform(in: 0...(members.count - 1))
            switch random.uniform(in: 0...2) {
            case 0: members.remove(at: index)
            case 1: members.insert(members[index], at: random.uniform(in: 0...members.count))
            default:
                let keys = [
                    "", " ", "\n", "\u{1B}[0m", "Name", "maxDepht", "steps", String(repeating: "k", count: 5_000),
                ]
                members[index].key = element(keys)
            }
            return .object(members)
        }
        if case .array(var elements) = value, !elements.isEmpty, random.uniform(in: 0...1) == 0 {
            let index = random.uniform(in: 0...(elements.count - 1))
            if random.uniform(in: 0...1) == 0 {
                elements.remove(at: index)
            } else {
                elements.insert(elements[index], at: index)
            }
            return .array(elements)
        }
        switch random.uniform(in: 0...8) {
        case 0: return .null
        case 1: return .bool(random.uniform(in: 0...1) == 0)
        case 2: return .integer(element([Int.min, -1, 0, 1, 7, 1_000_001, Int(Int32.max) + 1, Int.max]))
        case 3: return .string(element(["", "s1", "x=1", "\u{0}", "\n", "\u{1B}]0;title\u{7}", "\u{9B}2J"]))
        case 4: return .string(String(repeating: "\u{202E}", count: random.uniform(in: 1...100_000)))
        case 5: return .array([value])
        case 6: return .object([(key: "value", value: value)])
        case 7:
            // Deep nesting, on either side of the parser's limit.
            var nested = value
            for _ in 0..<random.uniform(in: 150...250) { nested = .array([nested]) }
            return nested
        default: return .array([])
        }
    }
}

@Suite("Malformed spec and trace files")
struct MalformedInputTests {
    static let repository = Repository.root

    /// The text of every `.json` file under `folder` in the repository, in path order.
    static func files(under folder: String) throws -> [String] {
        let root = repository.appendingPathComponent(folder)
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return try paths.filter { $0.hasSuffix(".json") }.sorted().map {
            try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)
        }
    }

    /// The longest error line accepted: a path, a message and at most two quoted values.
    static let maximumErrorLength = 300

    /// What is wrong with an error's description, or nil when it is one short line.
    static func problem(with description: String) -> String? {
        if description.isEmpty { return "empty description" }
        if !description.unicodeScalars.allSatisfy({ !UntrustedText.mustEscape($0) }) {
            return "unescaped control or separator character"
        }
        if description.count > maximumErrorLength { return "\(description.count) characters long" }
        return nil
    }

    /// Mutates `bases` `count` times from `seed`, decodes each result with `decode` and returns
    /// the number rejected and one line per case whose error was not one short line.
    static func run(
        seed: UInt64, count: Int, bases: [String], decode: (String) throws(InputError) -> Void
    ) -> (rejected: Int, problems: [String]) {
        var mutator = InputMutator(seed: seed)
        var rejected = 0
        var problems: [String] = []
        for number in 0..<count {
            let text = mutator.mutate(bases[number % bases.count])
            do {
                try decode(text)
            } catch {
                rejected += 1
                if let problem = problem(with: error.description) {
                    problems.append("case \(number): \(problem): \(error.description.prefix(200).debugDescription)")
                }
            }
        }
        return (rejected, problems)
    }

    @Test("1,200 mutated spec files each decode or give one short line naming what is wrong")
    func mutatedSpecs() throws {
        let bases = try Self.files(under: "specs")
        #expect(bases.count >= 10)
        let outcome = Self.run(seed: 13, count: 1_200, bases: bases) { text throws(InputError) in
            _ = try CheckSpec.decode(text)
        }
        #expect(outcome.problems.isEmpty, "\(outcome.problems.prefix(5))")
        #expect(outcome.rejected >= 600, "the mutations should break most files")
    }

    @Test("1,200 mutated trace files each decode (and re-encode canonically) or give one short line")
    func mutatedTraces() throws {
        let bases = try Self.files(under: "corpus")
        #expect(bases.count >= 10)
        var unstable: [String] = []
        let outcome = Self.run(seed: 13, count: 1_200, bases: bases) { text throws(InputError) in
            let trace = try Trace.decode(text)
            // What decodes must survive its own canonical encoding: the checks that refuse
            // other spellings never refuse the one the writer uses.
            let canonical = trace.encoded()
            if (try? Trace.decode(canonical).encoded()) != canonical { unstable.append(canonical) }
        }
        #expect(outcome.problems.isEmpty, "\(outcome.problems.prefix(5))")
        #expect(unstable.isEmpty, "\(unstable.prefix(1))")
        #expect(outcome.rejected >= 600, "the mutations should break most files")
    }
}
