import DevCluster
import Foundation
import KubeClient
import Logging
import Testing
import TrainyardTesting

@testable import DevRuntime

/// A dev API server, a kubectl for it, and a pod runtime configuration in a scratch directory
/// (with short restart back-offs for tests). `start` attaches what runs the pods (the kubelet alone,
/// or the whole node); it is cancelled, the server stopped and the scratch directory removed when
/// `body` returns or throws.
func withDevRuntime(
    start: (KubeClientConfiguration, PodRuntimeConfiguration, Logger) throws -> Task<Void, any Error>,
    _ body: (DevClusterHarness, PodRuntimeConfiguration) async throws -> Void
) async throws {
    let binary = try #require(BuiltProduct.path("trainyard"), "the trainyard executable is not built; run swift build")
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("trainyard-runtime-\(UUID().uuidString.prefix(8))").path
    let logs = scratch + "/logs"
    let harness = try await DevClusterHarness.start(podLogsDirectory: logs)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    var configuration = PodRuntimeConfiguration(
        trainyardImage: "ghcr.io/trainyard/trainyard", binaryPath: binary, stateDirectory: scratch + "/state", podLogsDirectory: logs)
    configuration.initialBackoff = .seconds(1)
    configuration.maxBackoff = .seconds(4)
    var logger = Logger(label: "test.runtime")
    logger.logLevel = .warning
    let task: Task<Void, any Error>
    do {
        task = try start(try harness.clientConfiguration(), configuration, logger)
    } catch {
        await harness.stop()
        throw error
    }
    let result: Result<Void, any Error>
    do {
        try await body(harness, configuration)
        result = .success(())
    } catch {
        result = .failure(error)
    }
    task.cancel()
    _ = try? await task.value
    await harness.stop()
    try result.get()
}
