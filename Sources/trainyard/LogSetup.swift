import ArgumentParser
import ControllerRuntime
import Logging

/// The `--log-level` and `--log-format` of the long-running commands (`controller`, `serve`):
/// their checks and the logging they set up (JSON lines, or swift-log's text on stderr).
enum LogSetup {
    static func validate(level: String, format: String) throws {
        guard Logger.Level(rawValue: level) != nil else {
            throw ValidationError(
                "--log-level: \"\(level)\" is not a level; expected trace, debug, info, notice, warning, error or critical")
        }
        guard ["text", "json"].contains(format) else {
            throw ValidationError("--log-format: \"\(format)\" is not a format; expected text or json")
        }
    }

    static func bootstrap(level: String, format: String) {
        let level = Logger.Level(rawValue: level) ?? .info
        let json = format == "json"
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
