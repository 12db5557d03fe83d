/// An operation on the key-value store the clients use; each names one key.
public enum KeyValueInput: Hashable, Sendable, CustomStringConvertible {
    /// Sets the key's value.
    case put(key: String, value: String)
    /// Reads the key's value (nil when the key was never written).
    case get(key: String)
    /// Appends `suffix` to the key's value (an absent value reads as empty) and returns the new
    /// value: its result depends on every earlier write, so a lost or doubled write shows.
    case append(key: String, suffix: String)
    /// Sets the key to `new` if its value is `expected` (nil: the key is absent), and says
    /// whether it did.
    case compareAndSet(key: String, expected: String?, new: String)

    /// The key the operation reads or writes.
    public var key: String {
        switch self {
        case .put(let key, _), .get(let key), .append(let key, _), .compareAndSet(let key, _, _): key
        }
    }

    public var description: String {
        switch self {
        case .put(let key, let value): "put(\(key), \(value))"
        case .get(let key): "get(\(key))"
        case .append(let key, let suffix): "append(\(key), \(suffix))"
        case .compareAndSet(let key, let expected, let new): "cas(\(key), \(expected ?? "nil"), \(new))"
        }
    }
}

/// What a key-value operation returned to its client.
public enum KeyValueOutput: Hashable, Sendable, CustomStringConvertible {
    /// A put's acknowledgement.
    case done
    /// The value a get read, or the value an append left; nil for an absent key.
    case value(String?)
    /// Whether a compare-and-set swapped.
    case swapped(Bool)

    public var description: String {
        switch self {
        case .done: "ok"
        case .value(let value): value ?? "nil"
        case .swapped(let swapped): swapped ? "true" : "false"
        }
    }
}

/// The key-value store as one sequential state machine per key: the specification client
/// histories of the replicated store are checked against.
///
/// Keys never interact, so each key is its own partition and its state is just its value.
public struct KeyValueSpecification: SequentialSpecification {
    public init() {}

    public var initialState: String? { nil }

    public func partition(of input: KeyValueInput) -> String { input.key }

    public func step(from state: String?, input: KeyValueInput, output: KeyValueOutput?) -> String?? {
        switch input {
        case .put(_, let value):
            guard output == nil || output == .done else { return nil }
            return .some(value)
        case .get:
            guard output == nil || output == .value(state) else { return nil }
            return .some(state)
        case .append(_, let suffix):
            let appended = (state ?? "") + suffix
            guard output == nil || output == .value(appended) else { return nil }
            return .some(appended)
        case .compareAndSet(_, let expected, let new):
            let swaps = state == expected
            guard output == nil || output == .swapped(swaps) else { return nil }
            return .some(swaps ? new : state)
        }
    }

    public func mayChangeState(_ input: KeyValueInput) -> Bool {
        if case .get = input { return false }
        return true
    }

    /// Whether `input` returning `output` may need an unknown operation that took the value from
    /// `before` to `after`: whether it may accept the value it sees with that operation, and
    /// not the one it would see without.
    ///
    /// Between the two, only unknown operations of `unplaced` and compare-and-sets that did not
    /// swap take effect, and none that sets the same value in both histories: a put, or a swap
    /// that happens in both. So each history's value grows from its start by appends, or starts
    /// afresh at a swap that happens in it alone, from its expected value. A put needs nothing
    /// before it. A read, an append and a compare-and-set that swapped accept one value, which
    /// must grow so from `after`; a compare-and-set that did not swap rejects only its expected
    /// value, which must grow so from `before`.
    public func mayNeed(
        _ input: KeyValueInput, returning output: KeyValueOutput, before: String?, after: String?,
        unplaced: [KeyValueInput]
    ) -> Bool {
        /// Whether `needed` can grow from `start` by appends and swaps of `unplaced` (looked for
        /// as far as `depth` swaps back).
        func grows(_ needed: String?, from start: String?, depth: Int = 2) -> Bool {
            guard let needed else { return start == nil }
            if needed.hasPrefix(start ?? "") { return true }
            return unplaced.contains {
                guard case .compareAndSet(_, let expected, let value) = $0, needed.hasPrefix(value) else {
                    return false
                }
                return depth == 0 || grows(expected, from: start, depth: depth - 1)
            }
        }
        switch (input, output) {
        case (.get, .value(let value)): return grows(value, from: after)
        case (.append(_, let suffix), .value(let value?)) where value.hasSuffix(suffix):
            return grows(String(value.dropLast(suffix.count)), from: after)
        case (.compareAndSet(_, let expected, _), .swapped(true)): return grows(expected, from: after)
        case (.compareAndSet(_, let expected, _), .swapped(false)): return grows(expected, from: before)
        default: return false  // a put, or an output the operation cannot return
        }
    }

    /// Every operation but a compare-and-set that did not swap leaves one value: a read the value
    /// it saw, an append the value it returned, a put or a swap the value it wrote.
    public func pinsState(_ input: KeyValueInput, returning output: KeyValueOutput) -> Bool {
        if case .compareAndSet = input, output == .swapped(false) { return false }
        return true
    }
}
