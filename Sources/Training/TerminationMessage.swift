import Foundation
import TrainyardAPI

/// The container termination message: what Kubernetes shows in the pod's status after the
/// container ends, kept after its logs are gone. Written to `$TRAINYARD_TERMINATION_MESSAGE_PATH`
/// (the dev cluster sets it to the container's terminationMessagePath, mapped to a local file),
/// else to /dev/termination-log when that is writable (in a real container). At most 4096 bytes,
/// Kubernetes' limit.
public enum TerminationMessage {
    public static func write(_ report: TrainerReport) {
        write(report.terminationMessage)
    }

    public static func write(_ text: String) {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["TRAINYARD_TERMINATION_MESSAGE_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "/dev/termination-log"
        guard FileManager.default.isWritableFile(atPath: path) || environment["TRAINYARD_TERMINATION_MESSAGE_PATH"] != nil else { return }
        var bytes = Array(text.utf8)
        if bytes.count > 4096 { bytes = Array(bytes.prefix(4096)) }
        try? Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
