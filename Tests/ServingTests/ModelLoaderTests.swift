import Foundation
import Learn
import Serving
import Testing

@Suite("ModelLoader: trainyard serve --model for a local directory")
struct ModelLoaderTests {
    @Test("a directory is served under its name with the run id of its MLmodel; --name overrides; a model.json path works too")
    func localDirectory() async throws {
        let scratch = try ScratchDirectory()
        let model = try ModelKind.logistic.model()
        try scratch.write("churn-model/model.json", String(decoding: try model.jsonData(), as: UTF8.self))
        try scratch.write("churn-model/MLmodel", "artifact_path: model\nrun_id: 0123abcd\nflavors: {}\n")

        let loaded = try await ModelLoader(tracking: nil).load(scratch.file("churn-model"))
        #expect(loaded.name == "churn-model")
        #expect(loaded.runId == "0123abcd")
        #expect(loaded.version == nil)
        #expect(loaded.source == scratch.file("churn-model"))
        #expect(loaded.model == model)
        #expect(loaded.featureNames == ServingData.features)

        let named = try await ModelLoader(tracking: nil, name: "churn").load(scratch.file("churn-model/model.json"))
        #expect(named.name == "churn")
        #expect(named.runId == "0123abcd")
    }

    @Test("a missing model, a file that is not a model, and a registry URI without a tracking server are refused with the fix")
    func failures() async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("notes/model.json", #"{"hello":"world"}"#)
        let cases = [
            (scratch.file("nowhere"), "cannot read the model file"),
            (scratch.file("notes"), "expected \"trainyard.model\" (a model.json written by trainyard train)"),
            ("models:/churn/3", "--model models:/churn/3 is in MLflow: give --tracking-uri or set MLFLOW_TRACKING_URI"),
        ]
        for (uri, fragment) in cases {
            await #expect {
                _ = try await ModelLoader(tracking: nil).load(uri)
            } throws: { error in
                (error as? ModelLoader.Failure)?.description.contains(fragment) == true
            }
        }
    }
}
