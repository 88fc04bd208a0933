/// An open-addressing hash set of byte strings that hands out dense indices in first-seen order,
/// so categorical cells are looked up straight from the file buffer with no allocation per cell.
struct ByteStringTable {
    private(set) var keys: [[UInt8]] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32] = [Int32](repeating: -1, count: 64)

    /// The index of these bytes, adding them if new.
    mutating func index(of base: UnsafePointer<UInt8>, count: Int) -> Int32 {
        let hash = Self.hash(base, count)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { break }
            let e = Int(entry)
            if hashes[e] == hash, keys[e].count == count,
                keys[e].withUnsafeBufferPointer({ memcmpEqual($0.baseAddress ?? base, base, count) })
            {
                return entry
            }
            slot = (slot + 1) & mask
        }
        let newIndex = Int32(keys.count)
        keys.append(Array(UnsafeBufferPointer(start: base, count: count)))
        hashes.append(hash)
        if keys.count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for (k, h) in hashes.enumerated() {
                var s = Int(truncatingIfNeeded: h) & mask
                while slots[s] >= 0 { s = (s + 1) & mask }
                slots[s] = Int32(k)
            }
        } else {
            slots[slot] = newIndex
        }
        return newIndex
    }

    /// FNV-1a with a final mix so low bits (used for the slot) depend on every byte.
    @inline(__always)
    private static func hash(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<count {
            h = (h ^ UInt64(base[k])) &* 0x0000_0100_0000_01B3
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}
