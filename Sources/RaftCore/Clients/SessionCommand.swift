/// What a client operation does to its key: the four operations of the clients' key-value store.
///
/// `append` and `compareAndSet` return results that depend on every earlier write to the key, so
/// a write lost, doubled or reordered changes what some client sees (the thesis, section 6.3).
public enum SessionOperationKind: UInt8, CaseIterable, Hashable, Sendable {
    case put, get, append, compareAndSet

    /// The spelling traces use.
    public var name: String {
        switch self {
        case .put: "put"
        case .get: "get"
        case .append: "append"
        case .compareAndSet: "cas"
        }
    }
}

/// One client operation as the log carries it: the client's session, the operation's number in
/// it, and what it does (the thesis, section 6.3).
///
/// The values an operation writes follow from its client and sequence number, so that every
/// write is unique and a history shows which write a read saw: operation `n` of client `c`
/// writes `10 n + c` (clients count from 1), and a compare-and-set expects the value the same
/// client's previous operation would have written.
///
/// Stored in six bytes, so that an `Entry` holding one is no larger than one holding a plain
/// `Command`: every log, message and ghost record of every explored world carries entries, with
/// or without clients, and a wider payload made each of their copies slower.
public struct SessionCommand: Hashable, Sendable, CustomStringConvertible {
    /// `client`, in the byte it needs.
    private var clientIndex: UInt8
    /// The key read or written (`x`, `y`, ...).
    public var key: UInt8
    public var kind: SessionOperationKind
    /// `sequence`, in the 16 bits `maxSequence` needs.
    private var sequenceNumber: UInt16

    /// The client's index (0 for `c1`), at most `maxClients - 1`.
    public var client: Int {
        get { Int(clientIndex) }
        set { clientIndex = UInt8(newValue) }
    }
    /// The operation's number in its client's session, from 1; a retry keeps it.
    public var sequence: Int {
        get { Int(sequenceNumber) }
        set { sequenceNumber = UInt16(newValue) }
    }

    /// The most clients a world has.
    public static let maxClients = 3
    /// The most operations one client issues: the sequence number has 14 bits in fingerprints.
    public static let maxSequence = 9_999

    public init(client: Int, sequence: Int, key: UInt8, kind: SessionOperationKind) {
        precondition((0..<Self.maxClients).contains(client), "client \(client) out of range")
        precondition((1...Self.maxSequence).contains(sequence), "sequence \(sequence) out of range")
        precondition(key < 4, "key \(key) out of range")
        self.clientIndex = UInt8(client)
        self.key = key
        self.kind = kind
        self.sequenceNumber = UInt16(sequence)
    }

    /// The value a put, append or compare-and-set writes.
    public var value: UInt16 { UInt16(sequence * 10 + client + 1) }

    /// The value a compare-and-set expects: the one this client's previous operation writes, or
    /// nil (the key is absent) for its first operation.
    public var expected: UInt16? { sequence > 1 ? UInt16((sequence - 1) * 10 + client + 1) : nil }

    /// `c1`, `c2`, ...: the client's name.
    public var clientName: String { "c\(client + 1)" }

    public var keyName: String { Command(key: key, value: 0).keyName }

    /// `c1#2:put(x,21)`, `c2#1:get(y)`, `c1#3:cas(x,21,31)`: the spelling traces use.
    public var description: String {
        let operation =
            switch kind {
            case .put: "put(\(keyName),\(value))"
            case .get: "get(\(keyName))"
            case .append: "append(\(keyName),\(value))"
            case .compareAndSet: "cas(\(keyName),\(expected.map(String.init) ?? "nil"),\(value))"
            }
        return "\(clientName)#\(sequence):\(operation)"
    }

    /// Parses the spelling `description` writes, and nothing else.
    public init?(canonical text: String) {
        guard text.first == "c", let hash = text.firstIndex(of: "#"), let colon = text.firstIndex(of: ":"),
            hash < colon, let clientNumber = Int(text[text.index(after: text.startIndex)..<hash]),
            (1...Self.maxClients).contains(clientNumber),
            let sequence = Int(text[text.index(after: hash)..<colon]), (1...Self.maxSequence).contains(sequence)
        else { return nil }
        let operation = text[text.index(after: colon)...]
        guard let open = operation.firstIndex(of: "("), operation.last == ")",
            let kind = SessionOperationKind.allCases.first(where: { $0.name == operation[..<open] })
        else { return nil }
        let arguments = operation[operation.index(after: open)..<operation.index(before: operation.endIndex)]
        let keyText = arguments.split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard let key = ["x", "y", "z", "w"].firstIndex(of: keyText) else { return nil }
        let command = SessionCommand(client: clientNumber - 1, sequence: sequence, key: UInt8(key), kind: kind)
        guard command.description == text else { return nil }
        self = command
    }

    /// The command in 32 bits, distinct for distinct commands: sequence in bits 0 to 13, key in
    /// 14 to 15, client in 16 to 17, kind in 18 to 19, and bit 26 to tell it from other payloads
    /// (bit 24 marks a no-op, bit 25 a configuration).
    public var packed: UInt64 {
        1 << 26 | UInt64(kind.rawValue) << 18 | UInt64(client) << 16 | UInt64(key & 3) << 14
            | UInt64(sequence & 0x3FFF)
    }
}
