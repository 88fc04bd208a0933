#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds where records end in CSV bytes that arrive in pieces, so a reader can cut a buffer after its
/// last whole record. Only quotes and line breaks matter: a line break outside quotes ends a record
/// (CRLF counts once, so a CR at the end of the bytes waits for the next byte), `""` inside quotes
/// toggles twice and so stays inside. Lines are counted as ``CSVTokenizer`` counts them (inside quotes
/// only LF starts a line), so a piece cut here can be parsed on its own with the right line numbers.
///
/// On valid CSV the records found are exactly the tokenizer's; on invalid CSV the first disagreement is
/// at a byte where the tokenizer throws, so parsing the pieces reports the same error as parsing the whole.
struct CSVRecordScanner: Sendable {
    /// The offset of the next byte to look at.
    private(set) var position = 0
    /// The line number at ``position``.
    private(set) var line: Int
    /// The offset just past the line break that ends the last non-empty record seen, or 0 if none.
    /// Empty lines are not records: they stay after this offset, so the next piece starts with them.
    private(set) var lastRecordEnd = 0
    /// The line number at ``lastRecordEnd``.
    private(set) var lineAfterLastRecord: Int
    /// Whether bytes of a record not yet ended have been seen.
    private(set) var inRecord = false
    private var inQuotes = false

    init(line: Int) {
        self.line = line
        self.lineAfterLastRecord = line
    }

    /// Scans `bytes` from ``position`` to the end, or with `stopAfterRecord` only to the end of the
    /// first record ending there. `isComplete` says no more bytes will follow.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, isComplete: Bool, stopAfterRecord: Bool = false) {
        guard let base = bytes.baseAddress else { return }
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        let n = bytes.count
        var p = position
        var line = self.line
        defer {
            position = p
            self.line = line
        }
        while p < n {
            if inQuotes {
                let closing = memchr(base + p, Int32(quote), n - p).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base }
                let end = closing ?? n
                while p < end {
                    if base[p] == lf { line += 1 }
                    p += 1
                }
                guard closing != nil else { return }
                p += 1
                inQuotes = false
                continue
            }
            let b = base[p]
            if b == lf || b == cr {
                if b == cr {
                    if p + 1 == n, !isComplete { return }
                    p += p + 1 < n && base[p + 1] == lf ? 2 : 1
                } else {
                    p += 1
                }
                line += 1
                if inRecord {
                    inRecord = false
                    lastRecordEnd = p
                    lineAfterLastRecord = line
                    if stopAfterRecord { return }
                }
                continue
            }
            inRecord = true
            p += 1
            if b == quote {
                inQuotes = true
                continue
            }
            while p < n {
                let c = base[p]
                if c == quote || c == lf || c == cr { break }
                p += 1
            }
        }
    }

    /// Forgets the bytes before ``lastRecordEnd``, which the owner has taken out of its buffer.
    mutating func dropScannedRecords() {
        position -= lastRecordEnd
        lastRecordEnd = 0
    }
}
