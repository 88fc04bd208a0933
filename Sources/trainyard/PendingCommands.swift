import ArgumentParser
import Foundation

/// Subcommands whose implementation lands in a later issue: they say so and fail, never pretend.
protocol PendingCommand: AsyncParsableCommand {
    static var pendingIssue: String { get }
}

extension PendingCommand {
    func run() async throws {
        var stderr = StandardError()
        print("trainyard \(Self.configuration.commandName ?? ""): not implemented yet (\(Self.pendingIssue))", to: &stderr)
        throw ExitCode(2)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleStderr.write(string)
    }
}

enum FileHandleStderr {
    static func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
