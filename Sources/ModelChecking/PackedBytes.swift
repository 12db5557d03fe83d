/// The bytes a model packs states into (`Model.pack(_:into:)`), one state after another.
///
/// A class over a plain buffer rather than an array: packing appends byte by byte, millions of
/// states a second, and an array checks that its storage is uniquely referenced on every append.
/// Inlinable, so that a model in another module appends without a call per byte.
public final class PackedBytes: @unchecked Sendable {
    // Unchecked exclusivity: one owner appends, and a dynamic check on every append would cost
    // more than the append.
    @usableFromInline @exclusivity(unchecked) var base: UnsafeMutablePointer<UInt8>
    @usableFromInline @exclusivity(unchecked) var capacity: Int
    @usableFromInline @exclusivity(unchecked) var storedCount = 0

    public init(minimumCapacity: Int = 256) {
        capacity = max(minimumCapacity, 16)
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Bytes appended so far.
    @inlinable
    public var count: Int { storedCount }

    @inlinable @inline(__always)
    public func append(_ byte: UInt8) {
        if storedCount == capacity { grow(to: capacity * 2) }
        base[storedCount] = byte
        storedCount += 1
    }

    /// Appends `value` as an unsigned LEB128 varint: 7 bits a byte, so the small numbers a
    /// state is mostly made of take one byte each.
    @inlinable @inline(__always)
    public func append(varint value: Int) {
        if storedCount + 10 > capacity { grow(to: capacity * 2 + 10) }
        var rest = UInt64(bitPattern: Int64(value))
        var position = storedCount
        while rest >= 0x80 {
            base[position] = UInt8(truncatingIfNeeded: rest) | 0x80
            position += 1
            rest >>= 7
        }
        base[position] = UInt8(rest)
        storedCount = position + 1
    }

    /// The bytes from `start` to `end`, valid until the next append.
    public func bytes(from start: Int, to end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + start, count: end - start)
    }

    /// Empties the buffer, keeping its storage.
    public func removeAll() { storedCount = 0 }

    @usableFromInline
    func grow(to newCapacity: Int) {
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: storedCount)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}

/// Reads back what `PackedBytes` holds: bytes and varints, in the order they were appended.
public struct PackedReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var position = 0

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Whether every byte has been read.
    @inlinable
    public var isAtEnd: Bool { position == bytes.count }

    @inlinable @inline(__always)
    public mutating func byte() -> UInt8 {
        let value = bytes.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        return value
    }

    /// The next unsigned LEB128 varint (`PackedBytes.append(varint:)`).
    @inlinable @inline(__always)
    public mutating func varint() -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = byte()
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return Int(Int64(bitPattern: value)) }
            shift += 7
        }
    }
}
