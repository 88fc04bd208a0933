import Foundation
import KubeAPI
import Learn
import Serving
import Testing
import TrainyardTesting

/// Starts every peer concurrently; if one fails, stops the others and throws its error.
private func startPeers(_ starts: [@Sendable () async throws -> PeerServer]) async throws -> [PeerServer] {
    let results = await withTaskGroup(of: (Int, Result<PeerServer, any Error>).self) { group in
        for (i, start) in starts.enumerated() {
            group.addTask {
                do { return (i, .success(try await start())) } catch { return (i, .failure(error)) }
            }
        }
        var results: [(Int, Result<PeerServer, any Error>)] = []
        for await result in group { results.append(result) }
        return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
    var started: [PeerServer] = []
    var failure: (any Error)?
    for result in results {
        switch result {
        case .success(let peer): started.append(peer)
        case .failure(let error): failure = failure ?? error
        }
    }
    if let failure {
        for peer in started { await peer.stop() }
        throw failure
    }
    return started
}

@Suite(
    "Parity with mlflow models serve",
    .enabled(if: ExternalTool.shouldRun("mlflow"), "mlflow not installed: run scripts/bootstrap (required under CI=true)"),
    .timeLimit(.minutes(3)))
struct MLflowServeParityTests {
    @Test("the same dataframe_split body gets the same predictions from trainyard serve and mlflow models serve, for each model family")
    func sameAnswers() async throws {
        let mlflow = try ExternalTool.require("mlflow")
        let scratch = try ScratchDirectory("trainyard-mlflow-parity")
        let data = try scratch.write("train.csv", ServingData.trainingCSV())
        let kinds = ModelKind.allCases
        // The model directories exactly as trainyard train writes them (model.json, MLmodel, the pyfunc code).
        let directories = try await withThrowingTaskGroup(of: (ModelKind, String).self) { group in
            for kind in kinds {
                let path = scratch.file(kind.rawValue)
                group.addTask {
                    let model = kind == .gbdtClassifier || kind == .gbdtRegressor ? "gbdt" : kind.rawValue
                    let directory = try await trainyardTrain(
                        data: data, target: kind.isClassifier ? "label" : "price",
                        task: kind.isClassifier ? "classification" : "regression",
                        model: model, drop: kind.isClassifier ? "price" : "label", output: path)
                    return (kind, directory)
                }
            }
            var directories: [ModelKind: String] = [:]
            for try await (kind, directory) in group { directories[kind] = directory }
            return directories
        }
        // uvicorn is looked up on PATH by mlflow's backend.
        let bin = (mlflow as NSString).deletingLastPathComponent
        let environment = ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "MLFLOW_TRACKING_URI": ""]
        let ports = try kinds.map { _ in try freeLoopbackPort() }
        let peers = try await startPeers(
            kinds.enumerated().map { i, kind in
                let directory = directories[kind]!
                let port = ports[i]
                return {
                    try await PeerServer.start(
                        "mlflow models serve (\(kind))", executable: mlflow,
                        arguments: ["models", "serve", "-m", directory, "--env-manager", "local", "-h", "127.0.0.1", "-p", "\(port)"],
                        environment: environment, port: port, readyPath: "/ping", timeout: .seconds(120))
                }
            })
        do {
            // Rows with a gap in every column, an unseen category, and values at both ends.
            let rows =
                ScoringRow.examples + [
                    ScoringRow(colour: "red", flag: false, size: nil, weight: nil),
                    ScoringRow(colour: "green", flag: true, size: 10.5, weight: -5),
                    ScoringRow(colour: nil, flag: nil, size: nil, weight: nil),
                ]
            let body = Payload.dataframeSplit(rows)
            for (kind, peer) in zip(kinds, peers) {
                // A new connection each: a pooled one may have outlived uvicorn's keep-alive time while the other peers started.
                let theirs = try await HTTPFetch.post(peer.url + "/invocations", body: body, newConnection: true)
                try #require(theirs.status == 200, "\(kind): mlflow answered \(theirs.status) \(theirs.body)\n\(peer.log)")
                let served = try await ModelLoader(tracking: nil, name: "churn").load(directories[kind]!)
                let ours = try await TestServer.test(TestServer.make(served)) { client in try await client.post("/invocations", body) }
                try #require(ours.status == 200, "\(kind): \(ours)")
                let theirRecords = try #require(try JSONValue.parse(theirs.body)["predictions"]?.arrayValue)
                let ourRecords = try #require(ours.json?["predictions"]?.arrayValue)
                try #require(theirRecords.count == rows.count && ourRecords.count == rows.count)
                for (r, (mine, their)) in zip(ourRecords, theirRecords).enumerated() {
                    let keys = mine.objectValue?.keys.sorted() ?? []
                    #expect(keys == their.objectValue?.keys.sorted(), "\(kind) row \(r): \(mine) vs \(their)")
                    for key in keys {
                        if kind.isClassifier, key == "prediction" {
                            #expect(mine[key] == their[key], "\(kind) row \(r): \(mine) vs \(their)")
                        } else {
                            let a = try #require(mine[key]?.doubleValue)
                            let b = try #require(their[key]?.doubleValue, "\(kind) row \(r) \(key): \(their)")
                            #expect(agree(a, b), "\(kind) row \(r) \(key): trainyard \(a), mlflow \(b)")
                        }
                    }
                }
            }
        } catch {
            for peer in peers { await peer.stop() }
            throw error
        }
        for peer in peers { await peer.stop() }
    }
}
