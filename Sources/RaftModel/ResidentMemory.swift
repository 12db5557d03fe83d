#if canImport(Glibc)
    import Glibc
#endif

/// The memory this process really holds: its resident set size, as the kernel counts it.
///
/// `--max-memory-mb` caps this rather than the checker's own estimate of its visited set and
/// queue, which misses allocator overhead, shared storage and the rest of the process. Read from
/// `/proc/self/statm` (its second field, resident pages) with plain system calls, cheap enough to
/// read once a batch.
public enum ResidentMemory {
    /// Bytes resident now, or nil where `/proc/self/statm` cannot be read (not Linux).
    public static func bytes() -> Int? {
        #if canImport(Glibc)
            let descriptor = open("/proc/self/statm", O_RDONLY)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            var buffer = [UInt8](repeating: 0, count: 128)
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            // "size resident shared text lib data dt", in pages.
            let fields = buffer[0..<count].split(separator: UInt8(ascii: " "))
            guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
            return pages * sysconf(Int32(_SC_PAGESIZE))
        #else
            return nil
        #endif
    }
}
