/// A JSON value whose encoding is fully deterministic.
///
/// Objects keep their members in insertion order and numbers are integers only, so that
/// the same value always encodes to the same text: traces, configurations and reports can
/// then be compared byte for byte and diffed meaningfully. Foundation's JSON support is
/// avoided because its key order and number formatting are not under our control.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// An integer; numbers with a fraction or an exponent are not supported.
    case integer(Int)
    case string(String)
    case array([JSONValue])
    /// An object whose members are encoded in the order given here.
    case object([(key: String, value: JSONValue)])

    /// The value of the first member named `key`, or nil if there is none or this is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { sameText($0.key, key) }?.value
    }

    /// The integer, if this is an integer.
    public var integerValue: Int? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The Boolean, if this is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// The members in order, if this is an object.
    public var objectValue: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { members } else { nil }
    }

    /// Compares values structurally, with object members compared in order.
    ///
    /// Strings compare by their exact Unicode scalars rather than Swift's canonical
    /// equivalence, so that equal values always encode to identical text.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.bool(let left), .bool(let right)):
            return left == right
        case (.integer(let left), .integer(let right)):
            return left == right
        case (.string(let left), .string(let right)):
            return sameText(left, right)
        case (.array(let left), .array(let right)):
            return left == right
        case (.object(let left), .object(let right)):
            return left.count == right.count
                && zip(left, right).allSatisfy { sameText($0.key, $1.key) && $0.value == $1.value }
        default:
            return false
        }
    }

    /// Parses a complete JSON document, which may be any value, not only an object or array.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    /// Encodes the value as JSON text, without a trailing newline.
    ///
    /// Compact when `pretty` is false. Pretty output indents by two spaces and puts one
    /// member per line as `"key": value`, but keeps small things readable on one line:
    /// arrays whose elements are all scalars (`[1, 2, 3]`), and objects whose values are
    /// all scalars and whose compact form is at most 100 characters (`{"a": 1, "b": "x"}`).
    /// Empty arrays and objects are always `[]` and `{}`.
    public func encoded(pretty: Bool) -> String {
        var output: [UInt8] = []
        if pretty {
            writePretty(into: &output, level: 0)
        } else {
            writeCompact(into: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The longest compact form, in characters, of an object that pretty output keeps on one line.
    private static let inlineObjectLimit = 100

    /// Whether this value is neither an array nor an object.
    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        case .null, .bool, .integer, .string: true
        }
    }

    private func writeCompact(into output: inout [UInt8]) {
        switch self {
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.writeCompact(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeJSONString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                member.value.writeCompact(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .null, .bool, .integer, .string:
            writeScalar(into: &output)
        }
    }

    private func writePretty(into output: inout [UInt8], level: Int) {
        switch self {
        case .array(let elements):
            if elements.isEmpty {
                output.append(contentsOf: "[]".utf8)
            } else if elements.allSatisfy(\.isScalar) {
                output.append(UInt8(ascii: "["))
                for (index, element) in elements.enumerated() {
                    if index > 0 { output.append(contentsOf: ", ".utf8) }
                    element.writeScalar(into: &output)
                }
                output.append(UInt8(ascii: "]"))
            } else {
                output.append(contentsOf: "[\n".utf8)
                for (index, element) in elements.enumerated() {
                    writeIndent(level + 1, into: &output)
                    element.writePretty(into: &output, level: level + 1)
                    output.append(contentsOf: (index + 1 < elements.count ? ",\n" : "\n").utf8)
                }
                writeIndent(level, into: &output)
                output.append(UInt8(ascii: "]"))
            }
        case .object(let members):
            if members.isEmpty {
                output.append(contentsOf: "{}".utf8)
            } else if fitsOnOneLine(members) {
                output.append(UInt8(ascii: "{"))
                for (index, member) in members.enumerated() {
                    if index > 0 { output.append(contentsOf: ", ".utf8) }
                    writeJSONString(member.key, into: &output)
                    output.append(contentsOf: ": ".utf8)
                    member.value.writeScalar(into: &output)
                }
                output.append(UInt8(ascii: "}"))
            } else {
                output.append(contentsOf: "{\n".utf8)
                for (index, member) in members.enumerated() {
                    writeIndent(level + 1, into: &output)
                    writeJSONString(member.key, into: &output)
                    output.append(contentsOf: ": ".utf8)
                    member.value.writePretty(into: &output, level: level + 1)
                    output.append(contentsOf: (index + 1 < members.count ? ",\n" : "\n").utf8)
                }
                writeIndent(level, into: &output)
                output.append(UInt8(ascii: "}"))
            }
        case .null, .bool, .integer, .string:
            writeScalar(into: &output)
        }
    }

    /// Whether pretty output prints an object with these members on a single line.
    private func fitsOnOneLine(_ members: [(key: String, value: JSONValue)]) -> Bool {
        guard members.allSatisfy({ $0.value.isScalar }) else { return false }
        var compact: [UInt8] = []
        writeCompact(into: &compact)
        // Count characters (Unicode scalars), not bytes: skip UTF-8 continuation bytes.
        let characterCount = compact.lazy.filter { $0 & 0xC0 != 0x80 }.count
        return characterCount <= Self.inlineObjectLimit
    }

    private func writeScalar(into output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value):
            output.append(contentsOf: String(value).utf8)
        case .string(let value):
            writeJSONString(value, into: &output)
        case .array, .object:
            preconditionFailure("writeScalar called on a container")
        }
    }

    private func writeIndent(_ level: Int, into output: inout [UInt8]) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }
}

/// Why a JSON text could not be parsed, and where.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line of the offending character.
    public var line: Int
    /// The 1-based column of the offending character, counted in Unicode scalars.
    public var column: Int
    /// What went wrong, for example "unexpected end of input".
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// The location and message, as "line L, column C: message".
    public var description: String {
        "line \(line), column \(column): \(message)"
    }
}

/// Whether two strings have exactly the same Unicode scalars.
///
/// Swift's `==` treats canonically equivalent strings as equal, but they encode to
/// different JSON text, so JSON keys and strings are compared by their UTF-8 instead.
private func sameText(_ left: String, _ right: String) -> Bool {
    left.utf8.elementsEqual(right.utf8)
}

/// Appends `text` as a quoted JSON string literal.
///
/// Escapes only what JSON requires (the quote, the backslash and control characters),
/// using the short forms where they exist; everything else, including non-ASCII text,
/// passes through unchanged as UTF-8.
private func writeJSONString(_ text: String, into output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
        case UInt8(ascii: "\n"): output.append(contentsOf: "\\n".utf8)
        case UInt8(ascii: "\r"): output.append(contentsOf: "\\r".utf8)
        case UInt8(ascii: "\t"): output.append(contentsOf: "\\t".utf8)
        case 0x08: output.append(contentsOf: "\\b".utf8)
        case 0x0C: output.append(contentsOf: "\\f".utf8)
        case 0x00..<0x20:
            output.append(contentsOf: "\\u00".utf8)
            output.append(hexDigit(byte >> 4))
            output.append(hexDigit(byte & 0x0F))
        default:
            output.append(byte)
        }
    }
    output.append(UInt8(ascii: "\""))
}

/// The lowercase ASCII hexadecimal digit for a value below 16.
private func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
}

/// A recursive-descent parser over the UTF-8 bytes of a JSON text.
///
/// Working on bytes rather than `Character`s avoids grapheme breaking, which is by far
/// the slowest part of walking a Swift `String`. The input came from a `String`, so the
/// bytes are already valid UTF-8 and only JSON's own grammar needs checking.
private struct JSONParser {
    /// The deepest nesting of arrays and objects accepted, so that hostile input cannot
    /// exhaust the stack through recursion.
    static let maximumDepth = 200

    let bytes: [UInt8]
    var position = 0
    var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        if position < bytes.count {
            throw error("trailing characters after JSON value")
        }
        return value
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(String(decoding: try parseStringBytes(), as: UTF8.self))
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
        default: throw error("unexpected \(describeCharacter(at: position)), expected a JSON value")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1  // "{"
        var members: [(key: String, value: JSONValue)] = []
        var seenKeys: Set<[UInt8]> = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw error("unexpected end of input") }
            if byte == UInt8(ascii: "}") && !members.isEmpty {
                throw error("trailing comma in object")
            }
            guard byte == UInt8(ascii: "\"") else {
                throw error("expected a string as object key, found \(describeCharacter(at: position))")
            }
            let keyStart = position
            let keyBytes = try parseStringBytes()
            let key = String(decoding: keyBytes, as: UTF8.self)
            guard seenKeys.insert(keyBytes).inserted else {
                throw error("duplicate key \(UntrustedText.quoted(key))", at: keyStart)
            }
            skipWhitespace()
            guard let colon = peek() else { throw error("unexpected end of input") }
            guard colon == UInt8(ascii: ":") else { throw error("expected ':' after object key") }
            position += 1
            members.append((key: key, value: try parseValue()))
            skipWhitespace()
            guard let separator = peek() else { throw error("unexpected end of input") }
            position += 1
            switch separator {
            case UInt8(ascii: ","):
                continue
            case UInt8(ascii: "}"):
                depth -= 1
                return .object(members)
            default:
                position -= 1
                throw error("expected ',' or '}' after object member")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        position += 1  // "["
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "]") && !elements.isEmpty {
                throw error("trailing comma in array")
            }
            elements.append(try parseValue())
            skipWhitespace()
            guard let separator = peek() else { throw error("unexpected end of input") }
            position += 1
            switch separator {
            case UInt8(ascii: ","):
                continue
            case UInt8(ascii: "]"):
                depth -= 1
                return .array(elements)
            default:
                position -= 1
                throw error("expected ',' or ']' after array element")
            }
        }
    }

    /// Counts one more level of nesting, refusing to go past `maximumDepth`.
    private mutating func enterContainer() throws(JSONParseError) {
        guard depth < Self.maximumDepth else { throw error("nesting too deep") }
        depth += 1
    }

    /// Parses a string literal starting at its opening quote and returns its decoded UTF-8.
    private mutating func parseStringBytes() throws(JSONParseError) -> [UInt8] {
        position += 1  // opening quote
        var decoded: [UInt8] = []
        while true {
            guard let byte = peek() else { throw error("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return decoded
            case UInt8(ascii: "\\"):
                try parseEscape(into: &decoded)
            case 0x00..<0x20:
                throw error("unescaped control character \(describeCharacter(at: position)) in string")
            default:
                decoded.append(byte)
                position += 1
            }
        }
    }

    /// Parses one escape sequence starting at its backslash and appends what it stands for.
    private mutating func parseEscape(into decoded: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = position
        position += 1  // backslash
        guard let kind = peek() else { throw error("unexpected end of input") }
        position += 1
        switch kind {
        case UInt8(ascii: "\""): decoded.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): decoded.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): decoded.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "r"): decoded.append(UInt8(ascii: "\r"))
        case UInt8(ascii: "t"): decoded.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "u"):
            let scalar = try parseUnicodeEscape(escapeStart: escapeStart)
            decoded.append(contentsOf: UTF8.encode(scalar)!)
        default:
            let shown = isPrintableASCII(kind) ? String(UnicodeScalar(kind)) : describeCharacter(at: position - 1)
            throw error("invalid escape \\\(shown)", at: escapeStart)
        }
    }

    /// Parses the hex digits of a `\u` escape (and the low half of a surrogate pair).
    private mutating func parseUnicodeEscape(escapeStart: Int) throws(JSONParseError) -> Unicode.Scalar {
        let first = try parseHexQuad(escapeStart: escapeStart)
        switch first {
        case 0xD800..<0xDC00:
            let lowStart = position
            guard bytes.count - position >= 2,
                bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else {
                throw error("unpaired surrogate \(escapeText(first))", at: escapeStart)
            }
            position += 2
            let second = try parseHexQuad(escapeStart: lowStart)
            guard (0xDC00..<0xE000).contains(second) else {
                throw error("unpaired surrogate \(escapeText(first))", at: escapeStart)
            }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            return Unicode.Scalar(combined)!
        case 0xDC00..<0xE000:
            throw error("unpaired surrogate \(escapeText(first))", at: escapeStart)
        default:
            return Unicode.Scalar(first)!
        }
    }

    /// Reads the four hex digits after `\u`.
    private mutating func parseHexQuad(escapeStart: Int) throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw error("unexpected end of input") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape: expected 4 hex digits", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Parses an integer, accumulating negatively so that `Int.min` is accepted.
    private mutating func parseInteger() throws(JSONParseError) -> Int {
        let start = position
        let isNegative = peek() == UInt8(ascii: "-")
        if isNegative { position += 1 }
        guard let firstDigit = peek() else { throw error("unexpected end of input") }
        guard isDigit(firstDigit) else { throw error("expected a digit after '-'") }
        if firstDigit == UInt8(ascii: "0"), position + 1 < bytes.count, isDigit(bytes[position + 1]) {
            throw error("leading zeros are not allowed", at: start)
        }
        var negated = 0
        var overflowed = false
        while let byte = peek(), isDigit(byte) {
            let (shifted, multiplyOverflow) = negated.multipliedReportingOverflow(by: 10)
            let (next, subtractOverflow) = shifted.subtractingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            overflowed = overflowed || multiplyOverflow || subtractOverflow
            negated = next
            position += 1
        }
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            throw error("numbers must be integers", at: start)
        }
        if overflowed {
            throw error("integer out of range", at: start)
        }
        if isNegative {
            return negated
        }
        guard negated != .min else { throw error("integer out of range", at: start) }
        return -negated
    }

    /// Consumes `literal` exactly, or reports where the input departs from it.
    private mutating func parseLiteral(_ literal: String) throws(JSONParseError) {
        let start = position
        for byte in literal.utf8 {
            guard let actual = peek() else { throw error("unexpected end of input") }
            guard actual == byte else { throw error("invalid literal, expected '\(literal)'", at: start) }
            position += 1
        }
        if let next = peek(), isIdentifierByte(next) {
            throw error("invalid literal, expected '\(literal)'", at: start)
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        {
            position += 1
        }
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    /// Describes the character at `offset` for an error message: 'x' when printable ASCII,
    /// otherwise its code point as U+XXXX.
    private func describeCharacter(at offset: Int) -> String {
        let byte = bytes[offset]
        if isPrintableASCII(byte) {
            return "'\(String(UnicodeScalar(byte)))'"
        }
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let scalar = String(decoding: bytes[offset..<end], as: UTF8.self).unicodeScalars.first!
        return "U+\(uppercaseHex(scalar.value, width: 4))"
    }

    /// The escape `\uXXXX` for a code unit, as it might have appeared in the input.
    private func escapeText(_ codeUnit: UInt32) -> String {
        "\\u\(uppercaseHex(codeUnit, width: 4))"
    }

    private func uppercaseHex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// An error at `offset` (the current position by default), with its line and column.
    ///
    /// Lines and columns are only computed when an error occurs, so that successful
    /// parsing does not pay for tracking them. Columns count Unicode scalars, which
    /// matches what a reader sees for all but the most exotic text.
    private func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let end = min(offset ?? position, bytes.count)
        var line = 1
        var column = 1
        for byte in bytes[..<end] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(line: line, column: column, message: message)
    }
}

private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

private func isPrintableASCII(_ byte: UInt8) -> Bool {
    byte >= 0x20 && byte < 0x7F
}

/// Whether a byte would continue a bare word, so that `nullx` or `true1` is rejected as a
/// misspelt literal rather than reported as trailing characters.
private func isIdentifierByte(_ byte: UInt8) -> Bool {
    let lowercased = byte | 0x20
    return isDigit(byte) || (lowercased >= UInt8(ascii: "a") && lowercased <= UInt8(ascii: "z"))
        || byte == UInt8(ascii: "_")
}
