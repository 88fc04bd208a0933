import Foundation

/// RFC 3339 timestamps in the two shapes Kubernetes uses: `Time` (whole seconds, conditions and
/// events) and `MicroTime` (microseconds, leases).
public enum Timestamp {
    public static func time(_ date: Date = Date()) -> String {
        format(date, micro: false)
    }

    public static func microTime(_ date: Date = Date()) -> String {
        format(date, micro: true)
    }

    /// Parses either shape (and any fraction length); nil if it is not RFC 3339 in UTC or with an offset.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    private static func format(_ date: Date, micro: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
        if micro {
            let micros = Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded(.down))
            text += String(format: ".%06d", min(micros, 999_999))
        }
        return text + "Z"
    }
}
