import KubeAPI

/// List merging and the element order rules of strategicpatch: patch order wins over live order,
/// and `$setElementOrder` wins over both.
extension StrategicMergePatch {
    private enum ElementKind: Equatable {
        case object, string, number, bool
    }

    func mergeList(_ original: [JSONValue], _ patch: [JSONValue], path: [String]) throws(PatchError) -> [JSONValue] {
        guard let strategy = keys.strategy(at: path.joined(separator: ".")) else {
            return try freshList(patch, path: path)
        }
        if original.isEmpty && patch.isEmpty { return original }
        let kind = try Self.elementKind(original, patch)
        guard kind == .object else {
            let merged = Self.deduplicate(original + patch)
            let (patchItems, serverOnly) = Self.partitionScalars(merged, by: patch)
            return try Self.normalizeElementOrder(
                patchItems, serverOnly, patchOrder: patch, serverOrder: original, mergeKey: nil)
        }
        guard case .mergeByKey(let mergeKey) = strategy else {
            throw .mergeFailed("cannot merge lists without merge key for type string")
        }
        let (base, items) = try mergeSpecialElements(original, patch, mergeKey: mergeKey, path: path)
        var merged = base
        for item in items {
            guard case .object(let element) = item else { continue }
            guard let value = element[mergeKey] else { throw Self.noMergeKey(element, mergeKey) }
            if let (index, live) = try Self.find(in: merged, mergeKey: mergeKey, value: value) {
                merged[index] = .object(try mergeMap(live, element, path: path))
            } else {
                merged.append(.object(try mergeMap([:], element, path: path)))
            }
        }
        let (patchItems, serverOnly) = try Self.partitionObjects(merged, by: items, mergeKey: mergeKey)
        return try Self.normalizeElementOrder(patchItems, serverOnly, patchOrder: items, serverOrder: base, mergeKey: mergeKey)
    }

    /// A list with no live counterpart: element directives are resolved against an empty list.
    func freshList(_ elements: [JSONValue], path: [String]) throws(PatchError) -> [JSONValue] {
        guard case .mergeByKey = keys.strategy(at: path.joined(separator: ".")) else {
            return elements.map(Self.stripNulls)
        }
        var result: [JSONValue] = []
        for element in elements {
            guard case .object(let members) = element else {
                result.append(element)
                continue
            }
            if let directive = members[Self.directiveMarker] {
                try Self.checkListDirective(directive, in: members)
                continue
            }
            result.append(.object(try mergeMap([:], members, path: path)))
        }
        return result
    }

    /// Applies `$patch: delete` and `$patch: replace` elements; returns the live list to merge
    /// into and the patch elements left to merge.
    private func mergeSpecialElements(
        _ original: [JSONValue], _ patch: [JSONValue], mergeKey: String, path: [String]
    ) throws(PatchError) -> (base: [JSONValue], items: [JSONValue]) {
        var base = original
        var items: [JSONValue] = []
        var replace = false
        for element in patch {
            guard case .object(let members) = element, let directive = members[Self.directiveMarker] else {
                items.append(element)
                continue
            }
            try Self.checkListDirective(directive, in: members)
            if directive == "replace" {
                // Keep scanning: other special elements must still be valid.
                replace = true
                continue
            }
            guard let value = members[mergeKey] else { throw Self.noMergeKey(members, mergeKey) }
            while let (index, _) = try Self.find(in: base, mergeKey: mergeKey, value: value) {
                base.remove(at: index)
            }
        }
        if replace { return (try freshList(items, path: path), []) }
        return (base, items)
    }

    private static func checkListDirective(_ directive: JSONValue, in members: [String: JSONValue]) throws(PatchError) {
        switch directive {
        case "delete", "replace": return
        case "merge": throw .mergeFailed("merging lists cannot yet be specified in the patch")
        default:
            throw .mergeFailed(
                "unknown patch type: \(GoFormat.interfaceValue(directive)) in map: \(GoFormat.interfaceValue(.object(members)))")
        }
    }

    // MARK: - $setElementOrder

    func applySetElementOrder(
        to original: inout [String: JSONValue], patch: inout [String: JSONValue], path: [String]
    ) throws(PatchError) {
        for key in patch.keys.sorted() where key.hasPrefix(Self.setElementOrderPrefix) {
            let orderValue = patch.removeValue(forKey: key)!
            guard case .array(let order) = orderValue else {
                throw .mergeFailed("expected a []interface {}, but received a \(GoFormat.typeName(orderValue))")
            }
            let field = try Self.extractKey(key, prefix: Self.setElementOrderPrefix)
            let live = try Self.listValue(original[field])
            let patchList = try Self.listValue(patch[field])
            let fieldPath = path + [field]
            let strategy = keys.strategy(at: fieldPath.joined(separator: "."))
            var mergeKey: String?
            if case .mergeByKey(let key)? = strategy { mergeKey = key }
            try Self.validate(patchList ?? [], against: order, mergeKey: mergeKey)

            let merged: [JSONValue]
            switch (live, patchList) {
            case (let live?, nil): merged = live
            case (nil, let patchList?): merged = try freshList(patchList, path: fieldPath)
            case (let live?, let patchList?): merged = try mergeList(live, patchList, path: fieldPath)
            case (nil, nil): continue
            }
            patch.removeValue(forKey: field)
            // An atomic list has no identity to order by; it is whatever the patch said.
            guard strategy != nil, !merged.isEmpty else {
                original[field] = .array(merged)
                continue
            }
            let kind = try Self.elementKind(live ?? [], patchList ?? [], merged)
            let (patchItems, serverOnly): ([JSONValue], [JSONValue])
            if kind == .object, let mergeKey {
                (patchItems, serverOnly) = try Self.partitionObjects(merged, by: order, mergeKey: mergeKey)
            } else {
                (patchItems, serverOnly) = Self.partitionScalars(merged, by: order)
            }
            original[field] = .array(
                try Self.normalizeElementOrder(
                    patchItems, serverOnly, patchOrder: order, serverOrder: live ?? [],
                    mergeKey: kind == .object ? mergeKey : nil))
        }
    }

    /// Null and absent both mean "no list here"; anything else must be a list.
    private static func listValue(_ value: JSONValue?) throws(PatchError) -> [JSONValue]? {
        switch value {
        case nil, .null?: return nil
        case .array(let elements)?: return elements
        case let other?: throw .mergeFailed("expected a []interface {}, but received a \(GoFormat.typeName(other))")
        }
    }

    /// The patch list must name its elements in the same relative order as `$setElementOrder`.
    private static func validate(_ patchList: [JSONValue], against order: [JSONValue], mergeKey: String?) throws(PatchError) {
        guard !order.isEmpty, !patchList.isEmpty else { return }
        var kept = patchList
        if mergeKey != nil {
            kept = []
            for element in patchList {
                guard case .object(let members) = element else {
                    throw .mergeFailed("expected a map[string]interface {}, but received a \(GoFormat.typeName(element))")
                }
                if members[directiveMarker] != "delete" { kept.append(element) }
            }
        }
        var patchIndex = 0
        var orderIndex = 0
        while patchIndex < kept.count && orderIndex < order.count {
            if case .object(let members) = kept[patchIndex], members[directiveMarker] != nil {
                patchIndex += 1
                continue
            }
            if try mergeKeyValueEqual(kept[patchIndex], order[orderIndex], mergeKey: mergeKey) {
                patchIndex += 1
            }
            orderIndex += 1
        }
        if patchIndex < kept.count {
            throw .mergeFailed(
                "The order in patch list:\n\(GoFormat.interfaceValue(.array(patchList)))\n doesn't match "
                    + "\(setElementOrderPrefix) list:\n\(GoFormat.interfaceValue(.array(order)))\n")
        }
    }

    private static func mergeKeyValueEqual(_ left: JSONValue, _ right: JSONValue, mergeKey: String?) throws(PatchError) -> Bool {
        guard let mergeKey else { return goEqual(left, right) }
        guard case .object(let l) = left else {
            throw .mergeFailed("expected a map[string]interface {}, but received a \(GoFormat.typeName(left))")
        }
        guard case .object(let r) = right else {
            throw .mergeFailed("expected a map[string]interface {}, but received a \(GoFormat.typeName(right))")
        }
        guard let lv = l[mergeKey] else { throw noMergeKey(l, mergeKey) }
        guard let rv = r[mergeKey] else { throw noMergeKey(r, mergeKey) }
        return goEqual(lv, rv)
    }

    // MARK: - Ordering

    /// Sorts the patch items by `patchOrder` and the server-only items by `serverOrder`, then
    /// interleaves them, keeping each group's relative order.
    private static func normalizeElementOrder(
        _ patchItems: [JSONValue], _ serverOnly: [JSONValue], patchOrder: [JSONValue], serverOrder: [JSONValue],
        mergeKey: String?
    ) throws(PatchError) -> [JSONValue] {
        let sortedPatch = try normalizeSliceOrder(patchItems, order: patchOrder, mergeKey: mergeKey)
        let sortedServer = try normalizeSliceOrder(serverOnly, order: serverOrder, mergeKey: mergeKey)
        return mergeSorted(left: sortedServer, right: sortedPatch, serverOrder: serverOrder, mergeKey: mergeKey)
    }

    private static func normalizeSliceOrder(_ items: [JSONValue], order: [JSONValue], mergeKey: String?) throws(PatchError) -> [JSONValue] {
        var toSort = items
        var toDelete: [JSONValue] = []
        if let mergeKey {
            for element in items + order {
                guard case .object(let members) = element else {
                    throw .mergeFailed("expected a map[string]interface {}, but received a \(GoFormat.typeName(element))")
                }
                if members[mergeKey] == nil { throw noMergeKey(members, mergeKey) }
            }
            toSort = items.filter { $0[directiveMarker] != "delete" }
            toDelete = items.filter { $0[directiveMarker] == "delete" }
        }
        let ranked = toSort.enumerated().map { (offset, element) in
            (rank: index(of: element, in: order, mergeKey: mergeKey) ?? Int.max, offset: offset, element: element)
        }
        let sorted = ranked.sorted { ($0.rank, $0.offset) < ($1.rank, $1.offset) }.map(\.element)
        return sorted + toDelete
    }

    /// Inserts server-only items (`left`) among patch items (`right`): a server-only item goes
    /// first only when both are live items and it came first in the live list.
    private static func mergeSorted(left: [JSONValue], right: [JSONValue], serverOrder: [JSONValue], mergeKey: String?) -> [JSONValue] {
        var result: [JSONValue] = []
        result.reserveCapacity(left.count + right.count)
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            if i >= left.count {
                result.append(right[j])
                j += 1
            } else if j >= right.count {
                result.append(left[i])
                i += 1
            } else if let li = index(of: left[i], in: serverOrder, mergeKey: mergeKey),
                let ri = index(of: right[j], in: serverOrder, mergeKey: mergeKey), li < ri
            {
                result.append(left[i])
                i += 1
            } else {
                result.append(right[j])
                j += 1
            }
        }
        return result
    }

    private static func index(of element: JSONValue, in list: [JSONValue], mergeKey: String?) -> Int? {
        guard let mergeKey else { return list.firstIndex { goEqual($0, element) } }
        let wanted = element[mergeKey] ?? .null
        return list.firstIndex { goEqual($0[mergeKey] ?? .null, wanted) }
    }

    // MARK: - Helpers

    private static func elementKind(_ lists: [JSONValue]...) throws(PatchError) -> ElementKind {
        var kind: ElementKind?
        for list in lists {
            for element in list {
                let current: ElementKind
                switch element {
                case .null: continue
                case .array: throw .unprocessable("lists of lists are not supported")
                case .object: current = .object
                case .string: current = .string
                case .int, .double: current = .number
                case .bool: current = .bool
                }
                if let kind, kind != current {
                    let all = lists.map { GoFormat.interfaceValue(.array($0)) }.joined(separator: " ")
                    throw .mergeFailed("list element types are not identical: [\(all)]")
                }
                kind = current
            }
        }
        return kind ?? .string
    }

    private static func find(
        in list: [JSONValue], mergeKey: String, value: JSONValue
    ) throws(PatchError) -> (Int, [String: JSONValue])? {
        for (index, element) in list.enumerated() {
            guard case .object(let members) = element else {
                throw .mergeFailed("value for key \(index) is not a map.")
            }
            if let candidate = members[mergeKey], goEqual(candidate, value) { return (index, members) }
        }
        return nil
    }

    private static func partitionScalars(_ list: [JSONValue], by partition: [JSONValue]) -> ([JSONValue], [JSONValue]) {
        var inPatch: [JSONValue] = []
        var serverOnly: [JSONValue] = []
        for element in list {
            if partition.contains(where: { goEqual($0, element) }) {
                inPatch.append(element)
            } else {
                serverOnly.append(element)
            }
        }
        return (inPatch, serverOnly)
    }

    private static func partitionObjects(
        _ list: [JSONValue], by partition: [JSONValue], mergeKey: String
    ) throws(PatchError) -> ([JSONValue], [JSONValue]) {
        var inPatch: [JSONValue] = []
        var serverOnly: [JSONValue] = []
        for element in list {
            guard case .object(let members) = element else {
                throw .mergeFailed("expected a map[string]interface {}, but received a \(GoFormat.typeName(element))")
            }
            guard let value = members[mergeKey] else { throw noMergeKey(members, mergeKey) }
            if try find(in: partition, mergeKey: mergeKey, value: value) != nil {
                inPatch.append(element)
            } else {
                serverOnly.append(element)
            }
        }
        return (inPatch, serverOnly)
    }

    private static func deduplicate(_ list: [JSONValue]) -> [JSONValue] {
        var result: [JSONValue] = []
        for element in list where !result.contains(where: { goEqual($0, element) }) {
            result.append(element)
        }
        return result
    }

    static func noMergeKey(_ members: [String: JSONValue], _ mergeKey: String) -> PatchError {
        .mergeFailed("map: \(GoFormat.interfaceValue(.object(members))) does not contain declared merge key: \(mergeKey)")
    }
}
