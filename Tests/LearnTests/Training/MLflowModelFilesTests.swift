import DataIO
import Foundation
import KubeAPI
import Testing

@testable import Learn

@Suite("MLflow model files")
struct MLflowModelFilesTests {
    private func model(_ type: ModelType, task: LearningTask = .classification) throws -> TrainyardModel {
        var csv = #"size,"co""lour",label,value"# + "\n"
        for i in 0..<80 {
            csv += "\(Double(i) / 10),\(["red", #""it's ""blue""""#][i % 2]),\(i % 3 == 0 ? "yes" : "no"),\(Double(i % 7))\n"
        }
        let frame = try CSVReader.read(bytes: Array(csv.utf8), source: "test.csv")
        let target = task == .classification ? "label" : "value"
        let options = TrainingOptions(
            target: target, task: task, modelType: type,
            parameters: type == .gbdt ? ["numTrees": "3"] : (type == .linear ? ["alpha": "1"] : [:]), seed: 1,
            features: ["size", "co\"lour"])
        return try Trainer.train(frame, validation: nil, options: options).model
    }

    @Test("MLmodel names the pyfunc loader, the trainyard flavor, and the xgboost flavor only for an export")
    func flavors() throws {
        let gbdt = MLflowModelFiles(model: try model(.gbdt), hasXGBoostExport: true, runId: "abc", artifactPath: "model", sizeBytes: 10)
        let text = gbdt.mlmodel
        for line in [
            "artifact_path: 'model'", "  python_function:", "    loader_module: 'trainyard_pyfunc'", "    code: 'code'",
            "    data: 'model.json'", "  trainyard:", "    model_type: 'gbdt'", "  xgboost:", "    data: 'model.xgb.json'",
            "    model_class: 'xgboost.core.Booster'", "run_id: 'abc'", "model_size_bytes: 10",
        ] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "\(line) missing from\n\(text)")
        }
        let linear = MLflowModelFiles(model: try model(.linear, task: .regression), hasXGBoostExport: false)
        #expect(!linear.mlmodel.contains("xgboost"))
        #expect(!linear.mlmodel.contains("run_id"))
        #expect(linear.files.map(\.path) == ["MLmodel", "code/trainyard_pyfunc.py", "requirements.txt", "python_env.yaml", "conda.yaml"])
        #expect(!linear.files[2].contents.contains("xgboost"))
    }

    @Test("no signature (MLflow's check would refuse int64 columns or slow predict 20x); log-model JSON parses, quotes escaped")
    func logModelJSON() throws {
        let files = MLflowModelFiles(model: try model(.logistic), hasXGBoostExport: false, runId: "r\"1", artifactPath: "model")
        #expect(!files.mlmodel.contains("signature"))
        let logged = try JSONValue.parse(files.logModelJSON)
        #expect(logged["run_id"]?.stringValue == "r\"1" && logged["artifact_path"]?.stringValue == "model")
        #expect(logged["flavors"]?["python_function"]?["loader_module"]?.stringValue == "trainyard_pyfunc")
        #expect(logged["flavors"]?["python_function"]?["env"]?["virtualenv"]?.stringValue == "python_env.yaml")
        #expect(logged["flavors"]?["trainyard"]?["format_version"]?.intValue == 1)
        #expect(logged["utc_time_created"]?.stringValue?.count == 26)
    }

    @Test("YAML strings come back exactly: quotes doubled, everything else literal")
    func yamlQuoting() {
        #expect(yamlString("plain") == "'plain'")
        #expect(yamlString("it's") == "'it''s'")
        #expect(yamlString("a: b # c") == "'a: b # c'")
        #expect(jsonString("say \"hi\"\\\n") == #""say \"hi\"\\\n""#)
    }
}
