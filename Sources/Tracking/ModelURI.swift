import Foundation

/// Where a model is, in the forms MLflow users write: `models:/NAME@ALIAS`, `models:/NAME/VERSION`,
/// `models:/NAME/latest`, `runs:/RUN_ID/PATH`, `mlflow-artifacts:/...`, or a local path
/// (`file:` URLs included).
public enum ModelURI: Sendable, Equatable, CustomStringConvertible {
    case alias(name: String, alias: String)
    case version(name: String, version: String)
    case latest(name: String)
    case run(id: String, path: String)
    case artifacts(String)
    case local(String)

    /// Parses `text`; a text with no scheme is a local path.
    public init(parsing text: String) throws {
        func bad(_ why: String) -> MLflowError {
            MLflowError(
                .invalidRequest,
                "model \"\(text)\": \(why); expected models:/NAME@ALIAS, models:/NAME/VERSION, runs:/RUN_ID/PATH, mlflow-artifacts:/PATH or a local path"
            )
        }
        if text.hasPrefix("models:") {
            let rest = Self.stripSlashes(text.dropFirst("models:".count))
            if let at = rest.lastIndex(of: "@") {
                let name = String(rest[..<at])
                let alias = String(rest[rest.index(after: at)...])
                guard !name.isEmpty, !name.contains("/") else { throw bad("the model name is empty or holds a /") }
                guard !alias.isEmpty, !alias.contains("/") else { throw bad("the alias after @ is empty or holds a /") }
                self = .alias(name: name, alias: alias)
                return
            }
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw bad("no version or alias") }
            let name = String(parts[0])
            let version = String(parts[1])
            if version.lowercased() == "latest" {
                self = .latest(name: name)
            } else if let number = Int(version), number > 0 {
                self = .version(name: name, version: String(number))
            } else {
                throw bad("version \"\(version)\" is not a positive number")
            }
        } else if text.hasPrefix("runs:") {
            let rest = Self.stripSlashes(text.dropFirst("runs:".count))
            guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else { throw bad("no artifact path after the run id") }
            let path = Self.stripSlashes(rest[rest.index(after: slash)...])
            guard !path.isEmpty else { throw bad("no artifact path after the run id") }
            self = .run(id: String(rest[..<slash]), path: path)
        } else if text.hasPrefix("mlflow-artifacts:") {
            self = .artifacts(text)
        } else if text.hasPrefix("file://") {
            self = .local(String(text.dropFirst("file://".count)))
        } else if text.hasPrefix("file:") {
            self = .local(String(text.dropFirst("file:".count)))
        } else if let colon = text.firstIndex(of: ":"), let slash = text.firstIndex(of: "/"), colon < slash,
            text[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }),
            text.distance(from: text.startIndex, to: colon) > 1
        {
            throw bad("scheme \"\(text[..<colon])\" is not supported")
        } else {
            guard !text.isEmpty else { throw bad("it is empty") }
            self = .local(text)
        }
    }

    /// Names a registered model (`models:/NAME@ALIAS`, `models:/NAME/VERSION`, `models:/NAME/latest`).
    public var isRegistryReference: Bool {
        switch self {
        case .alias, .version, .latest: true
        default: false
        }
    }

    /// True for URIs that need an MLflow tracking server to resolve.
    public var needsTrackingServer: Bool {
        if case .local = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .alias(let name, let alias): "models:/\(name)@\(alias)"
        case .version(let name, let version): "models:/\(name)/\(version)"
        case .latest(let name): "models:/\(name)/latest"
        case .run(let id, let path): "runs:/\(id)/\(path)"
        case .artifacts(let uri): uri
        case .local(let path): path
        }
    }

    private static func stripSlashes(_ text: Substring) -> String {
        String(text.drop { $0 == "/" }.reversed().drop { $0 == "/" }.reversed())
    }
}
