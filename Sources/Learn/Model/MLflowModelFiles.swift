import Foundation

/// The files that make a Trainyard model directory an MLflow model: `MLmodel` with a
/// `python_function` flavor loaded by a pure-numpy module shipped in `code/` (so
/// `mlflow.pyfunc.load_model` works for every model type without Trainyard installed), for GBDT also
/// the `xgboost` flavor pointing at the XGBoost-JSON export, and a `trainyard` flavor naming the
/// Trainyard model file. Next to them: the Python environment files MLflow restores environments from.
public struct MLflowModelFiles: Sendable {
    /// Trainyard's model file, the `data` of the python_function and trainyard flavors.
    public static let modelFileName = "model.json"
    /// The XGBoost export, the `data` of the xgboost flavor.
    public static let xgboostFileName = "model.xgb.json"
    /// The Python version the loader is tested with (it needs Python 3.9 or newer).
    public static let pythonVersion = "3.11"

    public let model: TrainyardModel
    public let hasXGBoostExport: Bool
    /// Set when the model is logged as a run's artifact.
    public var runId: String?
    /// The run-relative path the model is logged under, e.g. `model`.
    public var artifactPath: String?
    public var modelUUID: String
    public var created: Date
    /// Total size of the model's files, as MLflow records it.
    public var sizeBytes: Int?

    public init(
        model: TrainyardModel, hasXGBoostExport: Bool, runId: String? = nil, artifactPath: String? = nil,
        modelUUID: String = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), created: Date = Date(),
        sizeBytes: Int? = nil
    ) {
        self.model = model
        self.hasXGBoostExport = hasXGBoostExport
        self.runId = runId
        self.artifactPath = artifactPath
        self.modelUUID = modelUUID
        self.created = created
        self.sizeBytes = sizeBytes
    }

    /// The files relative to the model directory, with their contents.
    public var files: [(path: String, contents: String)] {
        [
            ("MLmodel", mlmodel), ("code/\(PyfuncModule.moduleName).py", PyfuncModule.source),
            ("requirements.txt", "mlflow\nnumpy\npandas\n" + (hasXGBoostExport ? "xgboost\n" : "")),
            (
                "python_env.yaml",
                "python: \(Self.pythonVersion)\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\ndependencies:\n- -r requirements.txt\n"
            ),
            (
                "conda.yaml",
                "channels:\n- conda-forge\ndependencies:\n- python=\(Self.pythonVersion)\n- pip\n- pip:\n  - mlflow\n  - numpy\n  - pandas\n"
                    + (hasXGBoostExport ? "  - xgboost\n" : "") + "name: mlflow-env\n"
            ),
        ]
    }

    /// Writes the files into `directory` (which holds the model files already).
    public func write(to directory: String) throws {
        for file in files {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents.utf8).write(to: url, options: .atomic)
        }
    }

    /// The flavors, in MLflow's order of keys (sorted), each as ordered key-value pairs; a nil value is YAML/JSON null.
    var flavors: [(name: String, fields: [(key: String, value: FlavorValue)])] {
        var flavors: [(name: String, fields: [(key: String, value: FlavorValue)])] = [
            (
                "python_function",
                [
                    ("code", .text("code")), ("data", .text(Self.modelFileName)),
                    ("env", .map([("conda", "conda.yaml"), ("virtualenv", "python_env.yaml")])),
                    ("loader_module", .text(PyfuncModule.moduleName)), ("python_version", .text(Self.pythonVersion)),
                ]
            ),
            (
                "trainyard",
                [
                    ("data", .text(Self.modelFileName)), ("format_version", .number(model.formatVersion)),
                    ("model_type", .text(model.model.type.rawValue)), ("task", .text(model.task.rawValue)),
                    ("trainyard_version", .text(TrainyardVersion.current)),
                ]
            ),
        ]
        if hasXGBoostExport {
            flavors.append(
                (
                    "xgboost",
                    [
                        ("code", .null), ("data", .text(Self.xgboostFileName)), ("model_class", .text("xgboost.core.Booster")),
                        ("model_format", .text("json")), ("xgb_version", .text("3.2.0")),
                    ]
                ))
        }
        return flavors
    }

    enum FlavorValue {
        case text(String)
        case number(Int)
        case null
        case map([(String, String)])
    }

    private var createdText: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        return formatter.string(from: created)
    }

    /// The `MLmodel` YAML, laid out as MLflow writes it (keys sorted; strings single-quoted).
    ///
    /// It has no signature on purpose. MLflow checks every input against a signature before the
    /// loader sees it. Type `double` refuses a pandas int64 column, which is how `pd.read_csv` reads
    /// integral numbers. Type `any` made predict 20 times slower (4.2 s against 0.2 s for 100k rows
    /// of 30 columns, MLflow 3.17). The loader checks and converts its input itself, as
    /// `trainyard predict` does. The run's dataset input records the schema for the UI.
    public var mlmodel: String {
        var lines: [String] = []
        if let artifactPath { lines.append("artifact_path: \(yamlString(artifactPath))") }
        lines.append("flavors:")
        for flavor in flavors {
            lines.append("  \(flavor.name):")
            for (key, value) in flavor.fields {
                switch value {
                case .text(let text): lines.append("    \(key): \(yamlString(text))")
                case .number(let number): lines.append("    \(key): \(number)")
                case .null: lines.append("    \(key): null")
                case .map(let pairs):
                    lines.append("    \(key):")
                    for (name, text) in pairs { lines.append("      \(name): \(yamlString(text))") }
                }
            }
        }
        if let sizeBytes { lines.append("model_size_bytes: \(sizeBytes)") }
        lines.append("model_uuid: \(yamlString(modelUUID))")
        if let runId { lines.append("run_id: \(yamlString(runId))") }
        lines.append("utc_time_created: \(yamlString(createdText))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The model as MLflow's `runs/log-model` call takes it (the run's `mlflow.log-model.history`
    /// tag, which the UI's runs table reads): run, path, time, id and flavors, without the signature.
    public var logModelJSON: String {
        var parts: [String] = []
        if let artifactPath { parts.append("\"artifact_path\": \(jsonString(artifactPath))") }
        let flavorTexts = flavors.map { flavor -> String in
            let fields = flavor.fields.map { key, value -> String in
                let text: String
                switch value {
                case .text(let string): text = jsonString(string)
                case .number(let number): text = "\(number)"
                case .null: text = "null"
                case .map(let pairs): text = "{" + pairs.map { "\(jsonString($0.0)): \(jsonString($0.1))" }.joined(separator: ", ") + "}"
                }
                return "\(jsonString(key)): \(text)"
            }
            return "\(jsonString(flavor.name)): {" + fields.joined(separator: ", ") + "}"
        }
        parts.append("\"flavors\": {" + flavorTexts.joined(separator: ", ") + "}")
        parts.append("\"model_uuid\": \(jsonString(modelUUID))")
        if let runId { parts.append("\"run_id\": \(jsonString(runId))") }
        parts.append("\"utc_time_created\": \(jsonString(createdText))")
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// The version of Trainyard, recorded with every model and run.
public enum TrainyardVersion {
    public static let current = "0.1.0"
}

/// A JSON string literal.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                out += String(format: "\\u%04x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// A YAML scalar for `text`: single-quoted (the one escape being a doubled quote), which YAML reads
/// back as exactly `text` whatever it holds.
func yamlString(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: "\n\n") + "'"
}
