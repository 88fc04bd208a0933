import Foundation
import KubeAPI

/// Encodes list continuation as the position after which the next page starts.
enum ContinueToken {
    static func encode(key: String, resourceVersion: Int64) -> String {
        let json: JSONValue = ["v": "meta.k8s.io/v1", "rv": .int(resourceVersion), "start": .string(key)]
        return Data(json.serialized().utf8).base64EncodedString()
    }

    static func decode(_ token: String) -> (key: String, resourceVersion: Int64)? {
        guard let data = Data(base64Encoded: token), let json = try? JSONValue.parse(bytes: data),
            let key = json["start"]?.stringValue, let rv = json["rv"]?.intValue
        else { return nil }
        return (key, rv)
    }
}
