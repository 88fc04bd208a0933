/// Recognises the configured missing-value spellings in raw field bytes without building Strings.
struct MissingValueMatcher: Sendable {
    private let spellings: [[UInt8]]
    private let maxLength: Int

    init(_ missingValues: Set<String>) {
        spellings = missingValues.map { Array($0.trimmingSpaces().utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        maxLength = spellings.map(\.count).max() ?? 0
    }

    /// Whether the field (already trimmed of spaces and tabs) is empty or one of the spellings.
    @inline(__always)
    func matches(_ base: UnsafePointer<UInt8>, count: Int) -> Bool {
        if count == 0 { return true }
        if count > maxLength { return false }
        for spelling in spellings where spelling.count == count {
            if spelling.withUnsafeBufferPointer({ memcmpEqual($0.baseAddress!, base, count) }) { return true }
        }
        return false
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var k = 0
    while k < count {
        if a[k] != b[k] { return false }
        k += 1
    }
    return true
}

/// The range of a field without leading and trailing spaces and tabs.
@inline(__always)
func trimmed(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (start: Int, end: Int) {
    var s = start
    var e = end
    while s < e, base[s] == 0x20 || base[s] == 0x09 { s += 1 }
    while e > s, base[e - 1] == 0x20 || base[e - 1] == 0x09 { e -= 1 }
    return (s, e)
}
