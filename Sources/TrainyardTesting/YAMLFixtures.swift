import DevCluster
import Foundation
import KubeAPI

/// The checkout's root directory, found from this file's location.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// Every YAML document in a file, as JSON values.
public func loadYAMLDocuments(_ path: String) throws -> [JSONValue] {
    try YAMLDocuments.parse(String(contentsOfFile: path, encoding: .utf8))
}
