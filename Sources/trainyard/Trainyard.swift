import ArgumentParser
import Learn

@main
struct Trainyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainyard",
        abstract: "Run the machine-learning lifecycle as Kubernetes resources.",
        version: TrainyardVersion.current,
        subcommands: [DevCommand.self, ControllerCommand.self, TrainCommand.self, PredictCommand.self, ServeCommand.self, IdleCommand.self]
    )
}
