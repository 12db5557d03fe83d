/// A bad value in an input file: where it is (a JSON path such as `steps[3].message.term`) and
/// what is wrong with it.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Reads a JSON object strictly: every read names its path for errors, and `finish()` rejects any
/// key nobody read, so a misspelt field is an error rather than silently ignored.
public struct JSONObjectReader {
    public let path: String
    private let members: [(key: String, value: JSONValue)]
    private var consumed: [String] = []

    public init(_ value: JSONValue, path: String) throws(InputError) {
        guard let members = value.objectValue else { throw InputError(path: path, message: "expected an object") }
        self.members = members
        self.path = path
    }

    /// Parses a whole document whose top level must be an object: the start of every file
    /// decoder, with "not valid JSON" as the one error for text that does not parse.
    public init(document text: String) throws(InputError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(text)
        } catch {
            throw InputError(path: "", message: "not valid JSON (\(error.description))")
        }
        try self.init(document, path: "")
    }

    private func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw value of `key`, or nil when absent.
    public mutating func optional(_ key: String) -> JSONValue? {
        consumed.append(key)
        guard let value = members.first(where: { $0.key == key })?.value, value != .null else { return nil }
        return value
    }

    public mutating func required(_ key: String) throws(InputError) -> JSONValue {
        guard let value = optional(key) else { throw InputError(path: child(key), message: "missing") }
        return value
    }

    public mutating func integer(_ key: String, in range: ClosedRange<Int>? = nil) throws(InputError) -> Int {
        try Self.integer(required(key), path: child(key), in: range)
    }

    public mutating func optionalInteger(_ key: String, in range: ClosedRange<Int>? = nil) throws(InputError) -> Int? {
        guard let value = optional(key) else { return nil }
        return try Self.integer(value, path: child(key), in: range)
    }

    public mutating func string(_ key: String) throws(InputError) -> String {
        guard let text = try required(key).stringValue else {
            throw InputError(path: child(key), message: "expected a string")
        }
        return text
    }

    /// A string that commands print as it is (a name, a producer, a violation's detail): one line
    /// of at most `maxLength` characters, with nothing `UntrustedText` would escape, so that
    /// whatever a file holds cannot split a report's line or drive the reader's terminal.
    public mutating func printableString(_ key: String, maxLength: Int) throws(InputError) -> String {
        let text = try string(key)
        try Self.requirePrintable(text, path: child(key), maxLength: maxLength)
        return text
    }

    /// `printableString` for an optional member.
    public mutating func optionalPrintableString(_ key: String, maxLength: Int) throws(InputError) -> String? {
        guard let text = try optionalString(key) else { return nil }
        try Self.requirePrintable(text, path: child(key), maxLength: maxLength)
        return text
    }

    private static func requirePrintable(_ text: String, path: String, maxLength: Int) throws(InputError) {
        if text.unicodeScalars.contains(where: UntrustedText.mustEscape) {
            throw InputError(
                path: path, message: "\(UntrustedText.quoted(text)) holds a control or formatting character")
        }
        let length = text.unicodeScalars.count
        if length > maxLength {
            throw InputError(path: path, message: "is \(length) characters long; at most \(maxLength) are allowed")
        }
    }

    public mutating func optionalString(_ key: String) throws(InputError) -> String? {
        guard let value = optional(key) else { return nil }
        guard let text = value.stringValue else { throw InputError(path: child(key), message: "expected a string") }
        return text
    }

    public mutating func bool(_ key: String) throws(InputError) -> Bool {
        guard let flag = try required(key).boolValue else {
            throw InputError(path: child(key), message: "expected true or false")
        }
        return flag
    }

    public mutating func array(_ key: String) throws(InputError) -> [JSONValue] {
        guard let items = try required(key).arrayValue else {
            throw InputError(path: child(key), message: "expected an array")
        }
        return items
    }

    public mutating func object(_ key: String) throws(InputError) -> JSONObjectReader {
        try JSONObjectReader(required(key), path: child(key))
    }

    /// Fails on the first key that no read asked for.
    ///
    /// A plain key is named in the path, as every other error names its field. A key that is
    /// empty, long or holds anything but letters, digits, `_` and `-` would make an unreadable
    /// or multi-line path, so it is quoted in the message instead, and an empty one is called so.
    public func finish() throws(InputError) {
        for member in members where !consumed.contains(member.key) {
            if member.key.isEmpty {
                throw InputError(path: path, message: "unknown key \"\" (an empty key name)")
            }
            guard Self.isPlainKey(member.key) else {
                throw InputError(path: path, message: "unknown key \(UntrustedText.quoted(member.key))")
            }
            throw InputError(path: child(member.key), message: "unknown key")
        }
    }

    /// Whether `key` can stand in a path as it is: short, and only ASCII letters, digits, `_`
    /// and `-`.
    private static func isPlainKey(_ key: String) -> Bool {
        key.utf8.count <= UntrustedText.shownCharacterLimit
            && key.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
    }

    public static func integer(_ value: JSONValue, path: String, in range: ClosedRange<Int>?) throws(InputError) -> Int
    {
        guard let number = value.integerValue else { throw InputError(path: path, message: "expected an integer") }
        if let range, !range.contains(number) {
            let bound =
                range.upperBound == Int.max
                ? "at least \(range.lowerBound)" : "\(range.lowerBound)...\(range.upperBound)"
            throw InputError(path: path, message: "\(number) is out of range (expected \(bound))")
        }
        return number
    }
}
