import Testing

@testable import ModelChecking

@Suite("Packed queue levels")
struct PackedLevelTests {
    /// State `i`'s bytes: its number, as a varint, then `i % 7` filler bytes, so that states
    /// differ in length and a wrong offset shows.
    static func pack(_ number: Int, into bytes: PackedBytes) {
        bytes.append(varint: number)
        for filler in 0..<(number % 7) { bytes.append(UInt8(filler)) }
    }

    static func unpack(_ bytes: UnsafeRawBufferPointer) -> Int {
        var reader = PackedReader(bytes)
        let number = reader.varint()
        for filler in 0..<(number % 7) { #expect(reader.byte() == UInt8(filler)) }
        #expect(reader.isAtEnd)
        return number
    }

    @Test(
        "States spilled to the file past the memory limit read back whole, batch by batch",
        arguments: [1 << 8, 1 << 30])
    func spillsAndReadsBack(limit: Int) {
        let level = PackedLevel(memoryLimitBytes: limit)
        let scratch = PackedBytes()
        let count = 20_000
        for number in 0..<count {
            scratch.removeAll()
            Self.pack(number, into: scratch)
            level.append(scratch.bytes(from: 0, to: scratch.count))
        }
        #expect(level.count == count)
        #expect(limit > 1 << 20 ? level.spilledBytes == 0 : level.spilledBytes > 0)
        // Batches that start and end inside the file, across its end into memory, and in memory.
        var start = 0
        for size in [1, 999, 4096, 7, 10_000, 4897] {
            let range = start..<min(start + size, count)
            level.load(range)
            for index in range { #expect(Self.unpack(level.bytes(of: index)) == index) }
            start = range.upperBound
        }
        #expect(start == count)
    }

    @Test(
        "Two batches loaded into the two slots read back whole at the same time, spilled or in memory",
        arguments: [1 << 8, 1 << 30])
    func twoSlotsAtOnce(limit: Int) {
        let level = PackedLevel(memoryLimitBytes: limit)
        let scratch = PackedBytes()
        let count = 12_000
        for number in 0..<count {
            scratch.removeAll()
            Self.pack(number, into: scratch)
            level.append(scratch.bytes(from: 0, to: scratch.count))
        }
        // Workers read one batch while the next is loaded: the first view must survive the second load.
        var views = [level.loadBatch(0..<4096, slot: 0), level.loadBatch(4096..<8192, slot: 1)]
        for (slot, range) in [0..<4096, 4096..<8192].enumerated() {
            for index in range { #expect(Self.unpack(views[slot].bytes(of: index)) == index) }
        }
        views[0] = level.loadBatch(8192..<count, slot: 0)
        for index in 8192..<count { #expect(Self.unpack(views[0].bytes(of: index)) == index) }
        for index in 4096..<8192 { #expect(Self.unpack(views[1].bytes(of: index)) == index) }
    }

    @Test("Varints round-trip at every width, negative numbers included")
    func varints() {
        let values = [0, 1, 127, 128, 300, 1 << 20, Int(UInt32.max), Int.max, -1, Int.min]
        let bytes = PackedBytes(minimumCapacity: 0)
        for value in values { bytes.append(varint: value) }
        var reader = PackedReader(bytes.bytes(from: 0, to: bytes.count))
        for value in values { #expect(reader.varint() == value) }
        #expect(reader.isAtEnd)
    }
}
