import ArgumentParser

@main
struct Trainyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainyard",
        abstract: "Run the machine-learning lifecycle as Kubernetes resources.",
        subcommands: [DevCommand.self, ControllerCommand.self, TrainCommand.self, PredictCommand.self, ServeCommand.self]
    )
}
