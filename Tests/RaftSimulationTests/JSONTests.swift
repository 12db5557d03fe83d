import RaftSimulation
import Testing

/// One malformed input and the exact error it must produce.
struct MalformedJSONCase: Sendable, CustomTestStringConvertible {
    var input: String
    var line: Int
    var column: Int
    var message: String

    /// The input, shortened when long (the nesting cases run to a thousand characters).
    var testDescription: String {
        let shown = input.count > 40 ? String(input.prefix(40)) + "…" : input
        return "\(shown.debugDescription) → \(line):\(column) \(message)"
    }
}

@Suite("JSON")
struct JSONTests {
    /// A value exercising every case, nested containers and the inline layouts.
    private let sample: JSONValue = .object([
        ("name", .string("raft")),
        ("nodes", .array([.integer(1), .integer(2), .integer(3)])),
        (
            "config",
            .object([
                ("election", .object([("min", .integer(150)), ("max", .integer(300))])),
                ("seeds", .array([])),
            ])
        ),
        (
            "log",
            .array([
                .object([("term", .integer(1)), ("cmd", .string("x"))]),
                .array([.integer(1), .array([.integer(2)])]),
            ])
        ),
        ("empty", .object([])),
        ("flags", .array([.bool(true), .bool(false), .null])),
        ("extremes", .array([.integer(Int.min), .integer(Int.max), .integer(0), .integer(-1)])),
    ])

    // MARK: Encoding

    @Test("Compact encoding has no whitespace and keeps member order")
    func compactGolden() {
        #expect(
            sample.encoded(pretty: false) == """
                {"name":"raft","nodes":[1,2,3],"config":{"election":{"min":150,"max":300},"seeds":[]},\
                "log":[{"term":1,"cmd":"x"},[1,[2]]],"empty":{},"flags":[true,false,null],\
                "extremes":[-9223372036854775808,9223372036854775807,0,-1]}
                """)
    }

    @Test("Pretty encoding layout")
    func prettyGolden() {
        #expect(
            sample.encoded(pretty: true) == """
                {
                  "name": "raft",
                  "nodes": [1, 2, 3],
                  "config": {
                    "election": {"min": 150, "max": 300},
                    "seeds": []
                  },
                  "log": [
                    {"term": 1, "cmd": "x"},
                    [
                      1,
                      [2]
                    ]
                  ],
                  "empty": {},
                  "flags": [true, false, null],
                  "extremes": [-9223372036854775808, 9223372036854775807, 0, -1]
                }
                """)
    }

    @Test("Pretty encoding of top-level scalars and empty containers")
    func prettyScalarsAndEmpties() {
        #expect(JSONValue.null.encoded(pretty: true) == "null")
        #expect(JSONValue.integer(-5).encoded(pretty: true) == "-5")
        #expect(JSONValue.string("x").encoded(pretty: true) == "\"x\"")
        #expect(JSONValue.array([]).encoded(pretty: true) == "[]")
        #expect(JSONValue.object([]).encoded(pretty: true) == "{}")
        #expect(JSONValue.array([.array([])]).encoded(pretty: true) == "[\n  []\n]")
        #expect(JSONValue.object([("a", .object([]))]).encoded(pretty: true) == "{\n  \"a\": {}\n}")
    }

    @Test("Scalar-only objects stay inline up to 100 compact characters")
    func inlineObjectLimit() {
        // {"k":"…"} is 8 characters plus the string's length.
        let atLimit = JSONValue.object([("k", .string(String(repeating: "a", count: 92)))])
        let overLimit = JSONValue.object([("k", .string(String(repeating: "a", count: 93)))])
        #expect(atLimit.encoded(pretty: false).count == 100)
        #expect(atLimit.encoded(pretty: true) == "{\"k\": \"\(String(repeating: "a", count: 92))\"}")
        #expect(overLimit.encoded(pretty: true) == "{\n  \"k\": \"\(String(repeating: "a", count: 93))\"\n}")
        // Characters, not UTF-8 bytes, are counted.
        let wide = JSONValue.object([("k", .string(String(repeating: "é", count: 92)))])
        #expect(wide.encoded(pretty: true) == "{\"k\": \"\(String(repeating: "é", count: 92))\"}")
        // Scalar-only arrays stay on one line whatever their length.
        let longArray = JSONValue.array(Array(repeating: .integer(1_000_000), count: 50))
        #expect(!longArray.encoded(pretty: true).contains("\n"))
    }

    @Test("Strings escape quotes, backslashes and control characters only")
    func encodeEscapes() {
        let value = JSONValue.string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}/é😀")
        #expect(value.encoded(pretty: false) == #""a\"b\\c\n\r\t\b\f\u0001\u001f"# + "\u{7F}/é😀\"")
        let key = JSONValue.object([("line\nbreak", .null)])
        #expect(key.encoded(pretty: false) == #"{"line\nbreak":null}"#)
    }

    // MARK: Parsing

    @Test("Round trips through both encodings")
    func roundTrips() throws {
        for pretty in [false, true] {
            #expect(try JSONValue.parse(sample.encoded(pretty: pretty)) == sample)
        }
        let text = #"{"z":[1,{"y":"\u0000\"é😀"}],"a":null,"m":-0}"#
        let parsed = try JSONValue.parse(text)
        #expect(parsed.encoded(pretty: false) == #"{"z":[1,{"y":"\u0000\"é😀"}],"a":null,"m":0}"#)
        for scalar in ["null", "true", "false", "0", "-42", #""""#, "[]", "{}"] {
            #expect(try JSONValue.parse(scalar).encoded(pretty: false) == scalar)
        }
    }

    @Test("Key order is preserved and equality is order-sensitive")
    func keyOrder() throws {
        let parsed = try JSONValue.parse(#"{"b": 1, "a": 2, "c": 3}"#)
        let keys = try #require(parsed.objectValue).map(\.key)
        #expect(keys == ["b", "a", "c"])
        #expect(parsed.encoded(pretty: false) == #"{"b":1,"a":2,"c":3}"#)
        let reordered = JSONValue.object([("a", .integer(2)), ("b", .integer(1)), ("c", .integer(3))])
        #expect(parsed != reordered)
        #expect(parsed == .object([("b", .integer(1)), ("a", .integer(2)), ("c", .integer(3))]))
    }

    @Test("Strings compare by exact scalars, so equal values encode identically")
    func exactStringEquality() {
        let precomposed = JSONValue.string("\u{E9}")
        let decomposed = JSONValue.string("e\u{301}")
        #expect(precomposed != decomposed)
        #expect(JSONValue.object([("\u{E9}", .null)])["e\u{301}"] == nil)
    }

    @Test("Accessors and subscript")
    func accessors() throws {
        let value = try JSONValue.parse(#"{"n": 7, "s": "x", "b": true, "a": [null], "o": {"k": 1}}"#)
        #expect(value["n"]?.integerValue == 7)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [.null])
        #expect(value["o"]?["k"]?.integerValue == 1)
        #expect(value["missing"] == nil)
        #expect(value["n"]?.stringValue == nil)
        #expect(value["s"]?.integerValue == nil)
        #expect(value.arrayValue == nil)
        #expect(JSONValue.array([])["n"] == nil)
        // A constructed object may repeat a key; the subscript finds the first.
        let repeated = JSONValue.object([("k", .integer(1)), ("k", .integer(2))])
        #expect(repeated["k"] == .integer(1))
    }

    @Test("String escapes and surrogate pairs decode")
    func parseEscapes() throws {
        let parsed = try JSONValue.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u00E9\ud83d\ude00\uD834\uDD1E""#)
        #expect(parsed == .string("\"\\/\u{08}\u{0C}\n\r\t\u{41}\u{E9}\u{E9}\u{1F600}\u{1D11E}"))
        #expect(try JSONValue.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try JSONValue.parse("\"é😀 raw\"") == .string("é😀 raw"))
    }

    @Test("Integers at the edges of Int")
    func integerLimits() throws {
        #expect(try JSONValue.parse("9223372036854775807") == .integer(.max))
        #expect(try JSONValue.parse("-9223372036854775808") == .integer(.min))
        #expect(try JSONValue.parse("-0") == .integer(0))
        #expect(try JSONValue.parse("0") == .integer(0))
    }

    @Test("Whitespace around and between tokens")
    func whitespace() throws {
        let parsed = try JSONValue.parse(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] , \"b\" : { } }\r\n ")
        #expect(parsed == .object([("a", .array([.integer(1), .integer(2)])), ("b", .object([]))]))
    }

    @Test("Nesting up to 200 levels is accepted")
    func nestingLimit() throws {
        let arrays = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(try JSONValue.parse(arrays).encoded(pretty: false) == arrays)
        let objects = String(repeating: #"{"a":"#, count: 199) + "{}" + String(repeating: "}", count: 199)
        #expect(try JSONValue.parse(objects).encoded(pretty: false) == objects)
    }

    @Test("Error description format")
    func errorDescription() {
        let error = JSONParseError(line: 3, column: 8, message: "unexpected end of input")
        #expect(error.description == "line 3, column 8: unexpected end of input")
    }

    static let malformedCases: [MalformedJSONCase] = [
        // Structure.
        .init(input: "", line: 1, column: 1, message: "unexpected end of input"),
        .init(input: "   ", line: 1, column: 4, message: "unexpected end of input"),
        .init(input: "[1, 2", line: 1, column: 6, message: "unexpected end of input"),
        .init(input: #"{"a": 1"#, line: 1, column: 8, message: "unexpected end of input"),
        .init(input: #"{"a""#, line: 1, column: 5, message: "unexpected end of input"),
        .init(input: #"{"a": 1 "b": 2}"#, line: 1, column: 9, message: "expected ',' or '}' after object member"),
        .init(input: "[\n  1\n  2\n]", line: 3, column: 3, message: "expected ',' or ']' after array element"),
        .init(input: #"{"a" 1}"#, line: 1, column: 6, message: "expected ':' after object key"),
        .init(input: "{1: 2}", line: 1, column: 2, message: "expected a string as object key, found '1'"),
        .init(input: "[1,]", line: 1, column: 4, message: "trailing comma in array"),
        .init(input: #"{"a":1,}"#, line: 1, column: 8, message: "trailing comma in object"),
        .init(input: "[,1]", line: 1, column: 2, message: "unexpected ',', expected a JSON value"),
        .init(input: #"["é", x]"#, line: 1, column: 7, message: "unexpected 'x', expected a JSON value"),
        .init(input: #"{"a": 1} x"#, line: 1, column: 10, message: "trailing characters after JSON value"),
        .init(input: "1 2", line: 1, column: 3, message: "trailing characters after JSON value"),
        .init(input: "[]\n\n  ]", line: 3, column: 3, message: "trailing characters after JSON value"),
        .init(input: #"{"x": 1, "x": 2}"#, line: 1, column: 10, message: #"duplicate key "x""#),
        .init(input: "{\n  \"q\\\"\": 1,\n  \"q\\u0022\": 2\n}", line: 3, column: 3, message: #"duplicate key "q\"""#),
        .init(
            input: String(repeating: "[", count: 201) + String(repeating: "]", count: 201),
            line: 1, column: 201, message: "nesting too deep"
        ),
        .init(
            input: String(repeating: #"{"a":"#, count: 200) + "{}" + String(repeating: "}", count: 200),
            line: 1, column: 1_001, message: "nesting too deep"
        ),
        // Literals.
        .init(input: "nul", line: 1, column: 4, message: "unexpected end of input"),
        .init(input: "nullx", line: 1, column: 1, message: "invalid literal, expected 'null'"),
        .init(
            input: "{\n  \"a\": 1,\n  \"b\": tru\n}", line: 3, column: 8, message: "invalid literal, expected 'true'"),
        .init(input: "[fals]", line: 1, column: 2, message: "invalid literal, expected 'false'"),
        // Numbers.
        .init(input: "01", line: 1, column: 1, message: "leading zeros are not allowed"),
        .init(input: "[-01]", line: 1, column: 2, message: "leading zeros are not allowed"),
        .init(input: "1.5", line: 1, column: 1, message: "numbers must be integers"),
        .init(input: "[1e3]", line: 1, column: 2, message: "numbers must be integers"),
        .init(input: "0E1", line: 1, column: 1, message: "numbers must be integers"),
        .init(input: "9223372036854775808", line: 1, column: 1, message: "integer out of range"),
        .init(input: "[-9223372036854775809]", line: 1, column: 2, message: "integer out of range"),
        .init(input: "123456789012345678901234567890", line: 1, column: 1, message: "integer out of range"),
        .init(input: "-", line: 1, column: 2, message: "unexpected end of input"),
        .init(input: "-a", line: 1, column: 2, message: "expected a digit after '-'"),
        .init(input: "+1", line: 1, column: 1, message: "unexpected '+', expected a JSON value"),
        // Strings.
        .init(input: #""ab\q""#, line: 1, column: 4, message: #"invalid escape \q"#),
        .init(input: "\"abc", line: 1, column: 5, message: "unexpected end of input"),
        .init(input: "\"\\", line: 1, column: 3, message: "unexpected end of input"),
        .init(input: "\"a\nb\"", line: 1, column: 3, message: "unescaped control character U+000A in string"),
        .init(input: "\"\u{01}\"", line: 1, column: 2, message: "unescaped control character U+0001 in string"),
        .init(input: #""\u12G4""#, line: 1, column: 2, message: #"invalid \u escape: expected 4 hex digits"#),
        .init(input: #""\u12"#, line: 1, column: 6, message: "unexpected end of input"),
        .init(input: #"["x", "\uD800"]"#, line: 1, column: 8, message: #"unpaired surrogate \uD800"#),
        .init(input: #""\uDC00""#, line: 1, column: 2, message: #"unpaired surrogate \uDC00"#),
        .init(input: #""\ud800\u0041""#, line: 1, column: 2, message: #"unpaired surrogate \uD800"#),
        .init(input: #""\ud800\uzzzz""#, line: 1, column: 8, message: #"invalid \u escape: expected 4 hex digits"#),
    ]

    @Test("Malformed input is rejected with its position", arguments: malformedCases)
    func malformed(_ testCase: MalformedJSONCase) {
        #expect(throws: JSONParseError(line: testCase.line, column: testCase.column, message: testCase.message)) {
            try JSONValue.parse(testCase.input)
        }
    }
}
