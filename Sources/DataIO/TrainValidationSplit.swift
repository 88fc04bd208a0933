/// Splits row indices `0..<rowCount` into train and validation sets, reproducibly for a seed.
///
/// About `validationFraction` of the rows (rounded) go to validation, but never every row: when there are
/// at least two rows, each side gets at least one. With `labels`, each class is split in the same proportion
/// (the rounding remainders go to the classes with the largest fractional share) and keeps at least one row
/// in train. Both lists are sorted ascending. A fraction that is not in (0, 1) puts every row in train.
public func trainValidationSplit(
    rowCount: Int, validationFraction: Double, seed: UInt64, stratifyBy labels: [Int32]? = nil
) -> (train: [Int], validation: [Int]) {
    precondition(rowCount >= 0, "rowCount must not be negative")
    precondition(labels == nil || labels!.count == rowCount, "one label per row")
    guard rowCount >= 2, validationFraction > 0, validationFraction < 1 else {
        return (Array(0..<rowCount), [])
    }
    var generator = SeededGenerator(seed: seed)
    let wanted = min(max(Int((Double(rowCount) * validationFraction).rounded()), 1), rowCount - 1)

    guard let labels else {
        var rows = Array(0..<rowCount)
        generator.shuffle(&rows)
        return (rows[wanted...].sorted(), rows[..<wanted].sorted())
    }

    // Group rows by class in ascending label order so the result depends only on the data and the seed.
    var groups: [Int32: [Int]] = [:]
    for (row, label) in labels.enumerated() { groups[label, default: []].append(row) }
    let classes = groups.keys.sorted()
    let sizes = classes.map { groups[$0]!.count }
    let capacity = sizes.map { $0 - 1 }  // keep one row per class in train
    let exact = sizes.map { Double($0) * validationFraction }
    var quota = zip(exact, capacity).map { min(Int($0.0.rounded(.down)), $0.1) }
    var remaining = min(wanted, capacity.reduce(0, +)) - quota.reduce(0, +)
    let byRemainder = classes.indices.sorted { a, b in
        let ra = exact[a] - exact[a].rounded(.down)
        let rb = exact[b] - exact[b].rounded(.down)
        return ra != rb ? ra > rb : a < b
    }
    // Hand out the rounding remainder, largest fractional share first, then round-robin if still short.
    while remaining > 0 {
        var progressed = false
        for k in byRemainder where remaining > 0 && quota[k] < capacity[k] {
            quota[k] += 1
            remaining -= 1
            progressed = true
        }
        if !progressed { break }
    }

    var train: [Int] = []
    var validation: [Int] = []
    train.reserveCapacity(rowCount - wanted)
    validation.reserveCapacity(wanted)
    for (k, label) in classes.enumerated() {
        var rows = groups[label]!
        generator.shuffle(&rows)
        validation.append(contentsOf: rows[..<quota[k]])
        train.append(contentsOf: rows[quota[k]...])
    }
    return (train.sorted(), validation.sorted())
}
