import Foundation
import Learn

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows training progress on stderr: a bar redrawn in place on a terminal, plain lines (about
/// every tenth of the run) in logs, or nothing. stdout stays for the summary.
final class ProgressReporter {
    private let style: ProgressStyle
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastPlainRound = 0
    private var drewBar = false

    init(style: ProgressStyle) {
        if style == .auto {
            self.style = isatty(STDERR_FILENO) == 1 ? .bar : .plain
        } else {
            self.style = style
        }
        start = clock.now
    }

    func stage(_ text: String) {
        guard style == .plain else { return }
        emit("\(text)\n")
    }

    func handle(_ event: TrainingEvent) {
        switch event {
        case .fitting(let model, let trainRows, let validationRows, let inputs):
            guard style != .none else { return }
            emit("fitting \(model.rawValue) on \(trainRows) rows x \(inputs) inputs; validating on \(validationRows) rows\n")
        case .round(let progress):
            round(progress)
        case .fitted(let seconds):
            guard style != .none else { return }
            if drewBar { emit("\n") }
            drewBar = false
            emit("fitted in \(String(format: "%.2f", seconds)) s\n")
        }
    }

    func finish() {
        if drewBar { emit("\n") }
        drewBar = false
    }

    private func round(_ p: BoostingProgress) {
        let metric = p.metric.rawValue
        let scores =
            "train \(metric) \(format(p.train))" + (p.validation.map { "  validation \(metric) \(format($0))" } ?? "")
        switch style {
        case .bar:
            let width = 30
            let filled = p.totalRounds > 0 ? min(width, width * p.round / p.totalRounds) : width
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let elapsed = seconds(clock.now - start)
            emit("\r[\(bar)] \(p.round)/\(p.totalRounds)  \(scores)  \(String(format: "%.1f", elapsed)) s\u{1B}[K")
            drewBar = true
        case .plain:
            let step = max(1, p.totalRounds / 10)
            if p.round == 1 || p.round == p.totalRounds || p.round - lastPlainRound >= step {
                lastPlainRound = p.round
                emit("round \(p.round)/\(p.totalRounds): \(scores)\n")
            }
        case .none, .auto:
            break
        }
    }

    private func format(_ value: Double) -> String { String(format: "%.5f", value) }

    private func emit(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
