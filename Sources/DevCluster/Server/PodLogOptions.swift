import Foundation
import KubeAPI

/// The query of a `pods/log` request (`core/v1.PodLogOptions`), read and validated as the real
/// server does: booleans are true unless `0`, `f` or `false`; bad numbers are a 422 `Invalid`
/// naming `PodLogOptions`.
struct PodLogOptions: Sendable, Equatable {
    var container: String?
    var previous = false
    var follow = false
    var tailLines: Int64?
    var limitBytes: Int64?
    var timestamps = false
    var sinceSeconds: Int64?
    var sinceTime: Date?

    init() {}

    init(query: [String: String], podName: String) throws(APIError) {
        container = query["container"].flatMap { $0.isEmpty ? nil : $0 }
        previous = Self.bool(query["previous"])
        follow = Self.bool(query["follow"])
        timestamps = Self.bool(query["timestamps"])
        tailLines = try Self.integer(query, "tailLines")
        limitBytes = try Self.integer(query, "limitBytes")
        sinceSeconds = try Self.integer(query, "sinceSeconds")
        if let text = query["sinceTime"], !text.isEmpty {
            guard let date = TableConverter.parseTime(text) else {
                throw .badRequest("sinceTime: invalid value \"\(text)\": must be a time in RFC 3339 format, like 2006-01-02T15:04:05Z")
            }
            sinceTime = date
        }

        var errors: [FieldError] = []
        if let tailLines, tailLines < 0 {
            errors.append(.invalid("tailLines", .int(tailLines), "must be greater than or equal to 0"))
        }
        if let limitBytes, limitBytes < 1 {
            errors.append(.invalid("limitBytes", .int(limitBytes), "must be greater than 0"))
        }
        if sinceSeconds != nil && sinceTime != nil {
            errors.append(.forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"))
        } else if let sinceSeconds, sinceSeconds < 1 {
            errors.append(.invalid("sinceSeconds", .int(sinceSeconds), "must be greater than 0"))
        }
        if let stream = query["stream"], !stream.isEmpty, stream != "All" {
            errors.append(
                .forbidden("stream", "the dev cluster keeps a container's stdout and stderr in one log; only \"All\" can be shown"))
        }
        if !errors.isEmpty { throw .invalid(kind: "PodLogOptions", name: podName, errors: errors) }
    }

    /// Logs written before this time are not wanted (`sinceSeconds` or `sinceTime`), if either was given.
    func cutoff(now: Date) -> Date? {
        if let sinceSeconds { return now.addingTimeInterval(-Double(sinceSeconds)) }
        return sinceTime
    }

    /// Go's `Convert_Slice_string_To_bool`: present and not `0`, `f` or `false` (any case) is true.
    static func bool(_ value: String?) -> Bool {
        guard let value else { return false }
        let lower = value.lowercased()
        return !(lower == "0" || lower == "f" || lower == "false")
    }

    static func integer(_ query: [String: String], _ key: String) throws(APIError) -> Int64? {
        guard let text = query[key], !text.isEmpty else { return nil }
        guard let value = Int64(text) else { throw .badRequest("\(key): invalid value \"\(text)\": must be an integer") }
        return value
    }
}
