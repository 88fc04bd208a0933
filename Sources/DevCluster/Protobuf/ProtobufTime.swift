/// Converts `meta.v1.Time` (`{seconds=1, nanos=2}`) to the RFC 3339 string its JSON form uses.
enum ProtobufTime {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range the proto comment allows.
    static let minSeconds: Int64 = -62_135_596_800
    static let maxSeconds: Int64 = 253_402_300_799

    /// Returns nil for the zero time (both fields 0 or absent), which metav1.Time treats as unset.
    static func decode(_ bytes: ArraySlice<UInt8>, path: String) throws(ProtobufError) -> String? {
        var seconds: Int64 = 0
        var nanos: Int64 = 0
        var reader = ProtobufReader(bytes, field: path)
        while !reader.isAtEnd {
            let offset = reader.index
            let (number, wireType) = try reader.readTag()
            guard number == 1 || number == 2 else {
                try reader.skip(wireType, number: number)
                continue
            }
            guard wireType == .varint else {
                throw reader.fail("timestamp field \(number) must be a varint, got wire type \(wireType)", at: offset)
            }
            let value = try reader.readVarint()
            if number == 1 {
                seconds = Int64(bitPattern: value)
            } else {
                nanos = Int64(Int32(truncatingIfNeeded: value))
            }
        }
        if seconds == 0, nanos == 0 { return nil }
        guard (minSeconds...maxSeconds).contains(seconds) else {
            throw ProtobufError(
                code: .malformed, field: path,
                reason: "timestamp \(seconds)s is outside 0001-01-01T00:00:00Z...9999-12-31T23:59:59Z")
        }
        // metav1.Time marshals to whole seconds (time.RFC3339), so nanos do not appear.
        return rfc3339(seconds: seconds)
    }

    /// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
    static func rfc3339(seconds: Int64) -> String {
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
