#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a CSV file too large for memory as a series of ``DataFrame``s of whole records, each parsed
/// like ``CSVReader`` parses a file, with errors naming the file and its real line numbers.
///
/// - Important: Each chunk is a separate ``DataFrame`` and column kinds are inferred per chunk: a
///   column can be numeric in a chunk where it happens to hold only numbers and categorical in the
///   next, and categorical codes index each chunk's own ``Column/categories``. Pass
///   ``CSVOptions/columnKinds`` for every column you use, so that every chunk reads it as the same
///   kind, and match categories by their texts, not their codes.
///
/// `init` reads the header, if ``CSVOptions/hasHeader``; ``columnNames`` then holds its names (else
/// ``CSVOptions/columnNames``, else `column1`, `column2`, ... counted from the first row). Each call to
/// ``next()`` tops the buffer up to `chunkBytes` bytes and returns the records that end in it; the
/// partial record after them is carried to the next call. Memory is thus the buffer (`chunkBytes`)
/// plus the returned chunk, whatever the file size; a record longer than `chunkBytes` is read whole,
/// growing the buffer to about 1.5 times its length until it has been returned.
///
/// Reading chunk by chunk gives the same rows, cells and line numbers as reading the whole file
/// (empty lines included), except that:
/// - a file with a header but no data rows gives no chunks, where ``CSVReader`` throws;
/// - of several problems in a file, the first one in the first chunk that has one is reported, so a
///   cell of the wrong kind can be reported before a malformed record further on.
///
/// An empty file, or one of only empty lines, throws from `init` as it does in ``CSVReader``. After
/// ``next()`` throws, reading is over and it returns nil. Copies of a reader read independently.
public struct CSVChunkReader: Sendable {
    /// The path as given; errors and frames name it.
    public let source: String
    /// The column names every chunk has.
    public let columnNames: [String]

    /// The options each chunk is parsed with: no header, ``columnNames``, and the chunk's first line.
    private var chunkOptions: CSVOptions
    /// Unparsed bytes, starting at a record boundary on line `input.firstLine`.
    private var input: Input
    private var scanner: CSVRecordScanner
    private var finished = false

    /// Opens the file at `path` and reads its header (or, without a header and without
    /// ``CSVOptions/columnNames``, its first row, to count the columns).
    public init(path: String, options: CSVOptions = .init(), chunkBytes: Int = 8 << 20) throws {
        precondition(chunkBytes > 0, "chunkBytes must be positive")
        var input = Input(file: try OpenFile(path: path), chunkBytes: chunkBytes, firstLine: options.firstLine)
        try CSVTokenizer.validate(delimiter: options.delimiter, source: path)
        try input.skipToFirstRecord(emptyFileError: DataError.emptyFile(expectsHeader: options.hasHeader, source: path))
        var scanner = CSVRecordScanner(line: input.firstLine)

        var chunkOptions = options
        chunkOptions.hasHeader = false
        if options.hasHeader || options.columnNames == nil {
            // The first record: the header, or the first row when it only tells how many columns there are.
            while true {
                input.withBytes { scanner.scan($0, isComplete: input.atEnd, stopAfterRecord: true) }
                if scanner.lastRecordEnd > 0 || input.atEnd { break }
                try input.fill()
            }
            let end = scanner.lastRecordEnd > 0 ? scanner.lastRecordEnd : input.count
            var recordOptions = chunkOptions
            recordOptions.columnNames = nil
            recordOptions.firstLine = input.firstLine
            let line = input.firstLine
            let names = try input.withBytes { all in
                let record = UnsafeBufferPointer(rebasing: all[0..<end])
                let table = try CSVTokenizer.tokenize(record, source: path, options: recordOptions)
                guard options.hasHeader else { return table.columnNames }
                return try CSVTokenizer.headerNames(record.baseAddress!, starts: table.starts, ends: table.ends, source: path, line: line)
            }
            if options.hasHeader {
                input.removeFirst(end)
                input.firstLine = scanner.lineAfterLastRecord
                chunkOptions.columnNamesOrigin = .header
            } else {
                chunkOptions.columnNamesOrigin = .firstRow
            }
            chunkOptions.columnNames = names
            scanner = CSVRecordScanner(line: input.firstLine)
        }
        input.withBytes { scanner.scan($0, isComplete: input.atEnd) }
        self.source = path
        self.columnNames = chunkOptions.columnNames!
        self.chunkOptions = chunkOptions
        self.input = input
        self.scanner = scanner
    }

    /// The next chunk of whole records, or nil at the end of the file.
    public mutating func next() throws -> DataFrame? {
        do {
            return try readChunk()
        } catch {
            finished = true
            input.release()
            throw error
        }
    }

    private mutating func readChunk() throws -> DataFrame? {
        while !finished {
            if input.atEnd {
                finished = true
                let hasRecords = scanner.lastRecordEnd > 0 || scanner.inRecord
                let frame = hasRecords ? try parse(count: input.count) : nil
                input.release()
                return frame
            }
            if scanner.lastRecordEnd > 0, input.count >= input.chunkBytes {
                let end = scanner.lastRecordEnd
                let frame = try parse(count: end)
                input.removeFirst(end)
                input.firstLine = scanner.lineAfterLastRecord
                scanner.dropScannedRecords()
                return frame
            }
            try input.fill()
            input.withBytes { scanner.scan($0, isComplete: input.atEnd) }
        }
        return nil
    }

    private mutating func parse(count: Int) throws -> DataFrame {
        chunkOptions.firstLine = input.firstLine
        let options = chunkOptions
        let source = self.source
        return try input.withBytes { all in
            try CSVReader.read(UnsafeBufferPointer(rebasing: all[0..<count]), source: source, options: options)
        }
    }
}

/// The bytes read from the file and not yet parsed, at the front of a buffer that is allocated once and
/// read into in place (appending to an array would zero-fill `chunkBytes` bytes per read).
private struct Input: Sendable {
    let file: OpenFile
    let chunkBytes: Int
    /// The line number of the first unparsed byte.
    var firstLine: Int
    /// The number of unparsed bytes, at the start of `storage`.
    private(set) var count = 0
    private(set) var atEnd = false
    private var storage: [UInt8] = []
    private var offset = 0

    init(file: OpenFile, chunkBytes: Int, firstLine: Int) {
        self.file = file
        self.chunkBytes = chunkBytes
        self.firstLine = firstLine
    }

    subscript(index: Int) -> UInt8 {
        precondition(index < count)
        return storage[index]
    }

    /// Calls `body` with the unparsed bytes.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let count = self.count
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Reads up to `chunkBytes` bytes, or up to `chunkBytes` more once that many are unparsed (a record
    /// longer than a chunk); sets ``atEnd`` when the file has no more.
    mutating func fill() throws {
        let want = count < chunkBytes ? chunkBytes - count : chunkBytes
        if storage.count < count + want {
            // Grow by half at least, so reading a very long record copies it only a few times.
            resize(to: max(count + want, storage.count + storage.count / 2))
        }
        let (file, count, offset) = (self.file, self.count, self.offset)
        let got = try storage.withUnsafeMutableBufferPointer { all in
            try file.read(into: all.baseAddress! + count, count: want, at: offset)
        }
        self.count += got
        self.offset += got
        if got == 0 { atEnd = true }
    }

    /// Drops the first `k` unparsed bytes; gives back the room a long record needed once it is gone.
    mutating func removeFirst(_ k: Int) {
        precondition(k <= count)
        let remaining = count - k
        if k > 0, remaining > 0 {
            storage.withUnsafeMutableBufferPointer { all in
                _ = memmove(all.baseAddress!, all.baseAddress! + k, remaining)
            }
        }
        count = remaining
        if storage.count > 2 * chunkBytes, count <= chunkBytes { resize(to: chunkBytes) }
    }

    /// Frees the buffer once nothing more will be read.
    mutating func release() {
        storage = []
        count = 0
    }

    private mutating func resize(to size: Int) {
        let count = self.count
        storage = storage.withUnsafeBufferPointer { old in
            [UInt8](unsafeUninitializedCapacity: size) { new, initialized in
                if count > 0 { _ = memcpy(new.baseAddress!, old.baseAddress!, count) }
                _ = memset(new.baseAddress! + count, 0, size - count)
                initialized = size
            }
        }
    }

    /// Drops a byte order mark (only at the start of a file) and the empty lines before the first record,
    /// as the tokenizer does. The mark is kept while it is on the record's line, so that parsing that line
    /// (starting on line 1) skips it too.
    mutating func skipToFirstRecord(emptyFileError: DataError) throws {
        let start = firstLine
        var p = 0
        if firstLine == 1 {
            while count < 3, !atEnd { try fill() }
            if count >= 3, self[0] == 0xEF, self[1] == 0xBB, self[2] == 0xBF { p = 3 }
        }
        while true {
            if p == count || (self[p] == UInt8(ascii: "\r") && p + 1 == count && !atEnd) {
                if atEnd { throw emptyFileError }
                if firstLine != start {
                    removeFirst(p)
                    p = 0
                }
                try fill()
                continue
            }
            let b = self[p]
            if b == UInt8(ascii: "\n") {
                p += 1
            } else if b == UInt8(ascii: "\r") {
                p += p + 1 < count && self[p + 1] == UInt8(ascii: "\n") ? 2 : 1
            } else {
                break
            }
            firstLine += 1
        }
        if firstLine != start { removeFirst(p) }
    }
}

/// An open file, closed when the last reader copy using it goes away. Reads name their offset
/// (`pread`), so copies of a ``CSVChunkReader`` read independently.
private final class OpenFile: Sendable {
    let path: String
    let descriptor: Int32

    init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw DataError.unreadable(code == ENOENT ? "no such file" : String(cString: strerror(code)), source: path)
        }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR) {
            close(descriptor)
            throw DataError.unreadable("it is a directory, expected a CSV file", source: path)
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int) throws -> Int {
        var done = 0
        while done < count {
            let got = pread(descriptor, destination + done, count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw DataError.unreadable(String(cString: strerror(errno)), source: path)
            }
            if got == 0 { break }
            done += got
        }
        return done
    }
}
