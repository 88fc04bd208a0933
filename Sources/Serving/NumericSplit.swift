import DataIO
import KubeAPI

/// The most common scoring request, read without building a JSON tree:
/// `{"dataframe_split": {"columns": [...], "data": [[...], ...]}}` whose cells are all numbers or
/// null, for a model whose features are all numeric. It reads the cells straight into columns of
/// doubles, as the general path would (a number as itself, null as missing).
///
/// Anything else (text, `index`, `params`, escapes in names, a missing column, a ragged row, bad
/// JSON) makes it return nil, and the general parser reads the body and names the problem; so this
/// path never answers differently, it only answers sooner.
enum NumericSplit {
    static func frame(_ body: [UInt8], model: ServedModel) -> DataFrame? {
        guard model.model.features.allSatisfy({ $0.kind == .numeric }) else { return nil }
        return body.withUnsafeBufferPointer { bytes -> DataFrame? in
            var reader = Reader(bytes: bytes)
            guard let (header, values) = reader.document(), !header.isEmpty, values.count % header.count == 0 else { return nil }
            var position: [String: Int] = [:]
            for (i, name) in header.enumerated() {
                guard position.updateValue(i, forKey: name) == nil else { return nil }
            }
            let width = header.count
            let rows = values.count / width
            var columns: [Column] = []
            columns.reserveCapacity(model.featureNames.count)
            for name in model.featureNames {
                guard let j = position[name] else { return nil }
                var column = [Double](repeating: 0, count: rows)
                for r in 0..<rows { column[r] = values[r * width + j] }
                columns.append(Column(name: name, numeric: column))
            }
            return DataFrame(columns: columns, source: "request")
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// The header and the cells, row-major; nil unless the body is exactly the shape above.
        mutating func document() -> ([String], [Double])? {
            guard take("{"), let key = string(), key == "dataframe_split", take(":"), take("{") else { return nil }
            var header: [String]?
            var values: [Double]?
            var width: Int?
            repeat {
                guard let key = string(), take(":") else { return nil }
                switch key {
                case "columns" where header == nil: header = names()
                case "data" where values == nil: values = rows(&width)
                default: return nil
                }
                guard header != nil || values != nil else { return nil }
            } while take(",")
            guard take("}"), take("}") else { return nil }
            skipSpace()
            guard index == bytes.count, let header, let values else { return nil }
            if let width, width != header.count { return nil }
            return (header, values)
        }

        private mutating func names() -> [String]? {
            guard take("[") else { return nil }
            var names: [String] = []
            if take("]") { return names }
            repeat {
                guard let name = string() else { return nil }
                names.append(name)
            } while take(",")
            return take("]") ? names : nil
        }

        /// Rows of numbers or null, all of one width.
        private mutating func rows(_ width: inout Int?) -> [Double]? {
            guard take("[") else { return nil }
            var values: [Double] = []
            values.reserveCapacity(bytes.count / 8)
            if take("]") { return values }
            repeat {
                guard take("[") else { return nil }
                let before = values.count
                if !take("]") {
                    repeat {
                        guard let value = number() else { return nil }
                        values.append(value)
                    } while take(",")
                    guard take("]") else { return nil }
                }
                let count = values.count - before
                if let width, width != count { return nil }
                width = count
            } while take(",")
            return take("]") ? values : nil
        }

        private mutating func number() -> Double? {
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "n") {
                guard bytes.count - index >= 4, bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] == UInt8(ascii: "l"),
                    bytes[index + 3] == UInt8(ascii: "l")
                else { return nil }
                index += 4
                return .nan
            }
            guard let value = try? JSONNumber.scan(bytes, at: &index) else { return nil }
            switch value {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: return nil
            }
        }

        /// A string without escapes (anything else goes to the general path).
        private mutating func string() -> String? {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                if bytes[end] == UInt8(ascii: "\\") || bytes[end] < 0x20 { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            index = end + 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }

        private mutating func take(_ character: Unicode.Scalar) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
            index += 1
            return true
        }

        private mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }
    }
}
