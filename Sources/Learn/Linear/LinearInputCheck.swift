/// Input checks shared by the linear models, so every fit rejects bad data with the same wording.
enum LinearInputCheck {
    /// Throws unless `x` has rows and only finite values. `model` names the caller in the message
    /// ("logistic regression cannot use missing values; ...").
    static func features(_ x: FeatureMatrix, model: String) throws {
        guard x.rowCount > 0 else {
            throw ModelError(.emptyData, "\(model): the feature matrix has no rows; at least one is needed to fit")
        }
        let n = x.rowCount
        let d = x.columnCount
        var missing = [Int](repeating: 0, count: d)
        var infinite = [Int](repeating: 0, count: d)
        var firstInfiniteRow = [Int](repeating: -1, count: d)
        var anyBad = false
        x.values.withUnsafeBufferPointer { v in
            for r in 0..<n {
                for c in 0..<d where !v[r * d + c].isFinite {
                    anyBad = true
                    if v[r * d + c].isNaN {
                        missing[c] += 1
                    } else {
                        if firstInfiniteRow[c] < 0 { firstInfiniteRow[c] = r }
                        infinite[c] += 1
                    }
                }
            }
        }
        guard anyBad else { return }
        let missingColumns = (0..<d).filter { missing[$0] > 0 }
        if !missingColumns.isEmpty {
            let list = missingColumns.map { "column \"\(x.names[$0])\" has \(missing[$0])" }.joined(separator: ", ")
            throw ModelError(.missingValues, "\(model) cannot use missing values; \(list); impute or drop them")
        }
        let infiniteColumns = (0..<d).filter { infinite[$0] > 0 }
        let list = infiniteColumns.map {
            "column \"\(x.names[$0])\" has \(infinite[$0]) (first at row \(firstInfiniteRow[$0]))"
        }.joined(separator: ", ")
        throw ModelError(.nonFiniteValues, "\(model) cannot use infinite values; \(list); clip or drop them")
    }

    static func rowCount(_ count: Int, of what: String, matches x: FeatureMatrix, model: String) throws {
        guard count == x.rowCount else {
            throw ModelError(.lengthMismatch, "\(model): \(count) \(what) for \(x.rowCount) feature rows; they must be equal")
        }
    }

    static func finite(_ values: [Double], of what: String, model: String) throws {
        if let row = values.firstIndex(where: { !$0.isFinite }) {
            let count = values.lazy.filter { !$0.isFinite }.count
            throw ModelError(
                .nonFiniteValues,
                "\(model): \(what) has \(count) non-finite value(s), first at row \(row) (\(values[row])); every \(what) value must be a finite number"
            )
        }
    }
}
