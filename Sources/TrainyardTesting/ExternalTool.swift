import Foundation

/// Locates the real tools the integration tests drive (kubectl, later mlflow and moto), from the
/// project's `.venv` first, then `PATH`.
public enum ExternalTool {
    /// True under CI (`CI=true`), where a missing tool is a failure, never a skip.
    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static func find(_ name: String) -> String? {
        let venv = repositoryRoot + "/.venv/bin/" + name
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether tests that need `name` should run: when it is installed, and always under CI, so
    /// that a CI machine without it fails loudly instead of skipping.
    public static func shouldRun(_ name: String) -> Bool { inCI || find(name) != nil }

    /// The Python (`.venv/bin/python` first) if it can import every one of `modules`, else nil:
    /// for tests that compare with scikit-learn or XGBoost, which scripts/bootstrap installs.
    public static func python(importing modules: [String]) -> String? {
        guard let python = find("python") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import " + modules.joined(separator: ", ")]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? python : nil
    }

    /// The path of a required tool, or an error that says how to get it.
    public static func require(_ name: String) throws -> String {
        if let path = find(name) { return path }
        throw ToolMissing(name: name)
    }
}

/// A tool an integration test needs is not installed.
public struct ToolMissing: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "\(name) not found in .venv/bin or PATH: run scripts/bootstrap (make test does)" }
}

/// Executables this package builds, located next to the running test bundle.
public enum BuiltProduct {
    public static func path(_ name: String) -> String? {
        let argv0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        var candidates = [argv0.deletingLastPathComponent().appendingPathComponent(name).path]
        // The test bundle may be a directory (…/trainyardPackageTests.xctest/…).
        var dir = argv0
        for _ in 0..<4 {
            dir.deleteLastPathComponent()
            candidates.append(dir.appendingPathComponent(name).path)
        }
        candidates.append(repositoryRoot + "/.build/debug/" + name)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
