import Foundation

/// The container logs a pod runtime leaves on disk, laid out as the kubelet's `/var/log/pods`:
/// `<root>/<namespace>_<pod>_<uid>/<container>/<restartCount>.log`, each file the bytes that attempt
/// of the container wrote (stdout and stderr interleaved).
struct PodLogFiles: Sendable {
    let root: String

    func containerDirectory(namespace: String, pod: String, uid: String, container: String) -> String {
        "\(root)/\(namespace)_\(pod)_\(uid)/\(container)"
    }

    static func file(_ directory: String, restartCount: Int) -> String {
        "\(directory)/\(restartCount).log"
    }

    /// The restart counts that have a log file, ascending; names other than `<n>.log` are ignored.
    static func restartCounts(in directory: String) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasSuffix(".log") else { return nil }
            let stem = name.dropLast(4)
            guard !stem.isEmpty, stem.allSatisfy(\.isASCII), stem.allSatisfy(\.isNumber) else { return nil }
            return Int(stem)
        }.sorted()
    }

    static func size(_ path: String) -> UInt64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// Where the last `lines` complete lines of the first `end` bytes start, as the kubelet's
    /// `tail.FindTailLineStartIndex` counts: a last line without its newline is shown but not
    /// counted. Zero lines start at `end`. Reads backwards in blocks, so a long log is not loaded whole.
    static func tailStart(_ path: String, lines: Int64, end: UInt64) -> UInt64 {
        if lines <= 0 { return end }
        guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        // The newline that ends the last complete line is the first one found; the line before the
        // wanted ones ends at newline `lines + 1`.
        var needed = lines + 1
        var position = end
        let block: UInt64 = 64 * 1024
        while position > 0 {
            let start = position > block ? position - block : 0
            guard (try? handle.seek(toOffset: start)) != nil,
                let data = try? handle.read(upToCount: Int(position - start)), !data.isEmpty
            else { return 0 }
            var index = data.endIndex
            while index > data.startIndex {
                index -= 1
                if data[index] == UInt8(ascii: "\n") {
                    needed -= 1
                    if needed == 0 { return start + UInt64(index - data.startIndex) + 1 }
                }
            }
            position = start
        }
        return 0
    }
}
