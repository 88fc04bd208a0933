import KubeAPI
import Testing

@testable import DevCluster

/// Validation, pruning and defaulting of custom resources against the real TrainingJob CRD.
@Suite struct SchemaEnforcementTests {
    let cluster: TestCluster
    let trainingJobs = "/apis/trainyard.dev/v1alpha1/namespaces/default/trainingjobs"

    init() throws {
        cluster = try TestCluster()
        try cluster.installCRD("trainyard.dev_trainingjobs.yaml")
    }

    static func trainingJob(_ name: String, spec: JSONValue? = nil) -> JSONValue {
        [
            "apiVersion": "trainyard.dev/v1alpha1", "kind": "TrainingJob", "metadata": ["name": .string(name)],
            "spec": spec ?? [
                "data": ["source": "/data/train.csv", "target": "label"],
                "task": "classification",
                "model": ["type": "gbdt"],
            ],
        ]
    }

    func causes(_ reply: TestCluster.Reply) -> [String: String] {
        var result: [String: String] = [:]
        for cause in reply.body[path: ["details", "causes"]]?.arrayValue ?? [] {
            result[cause["field"]?.stringValue ?? ""] = cause["reason"]?.stringValue ?? ""
        }
        return result
    }

    @Test func invalidObjectIsRejectedNamingEachField() {
        let reply = cluster.post(
            trainingJobs,
            Self.trainingJob(
                "x",
                spec: [
                    "data": ["source": "/data/train.csv", "target": "label", "validationFraction": 1.5],
                    "task": "clustering",
                    "model": ["params": ["depth": 3]],
                    "seed": "seven",
                ]))
        #expect(reply.status == 422)
        #expect(reply.reason == "Invalid")
        #expect(reply.body[path: ["details", "kind"]] == "TrainingJob")
        #expect(reply.body[path: ["details", "group"]] == "trainyard.dev")
        #expect(reply.body[path: ["details", "name"]] == "x")
        #expect(
            causes(reply) == [
                "spec.task": "FieldValueNotSupported",
                "spec.data.validationFraction": "FieldValueInvalid",
                "spec.model.type": "FieldValueRequired",
                "spec.seed": "FieldValueTypeInvalid",
            ])
        let message = reply.message
        #expect(message.hasPrefix("TrainingJob.trainyard.dev \"x\" is invalid: ["))
        #expect(message.contains("spec.task: Unsupported value: \"clustering\": supported values: \"classification\", \"regression\""))
        #expect(
            message.contains("spec.data.validationFraction: Invalid value: 1.5: spec.data.validationFraction in body should be less than 1")
        )
        #expect(message.contains("spec.model.type: Required value"))
        #expect(message.contains("spec.seed: Invalid value: \"string\": spec.seed in body must be of type integer: \"string\""))
        #expect(cluster.get(trainingJobs + "/x").status == 404)
    }

    @Test func singleProblemIsReportedWithoutBrackets() {
        let reply = cluster.post(
            trainingJobs,
            Self.trainingJob(
                "y",
                spec: [
                    "data": ["source": "/data/train.csv", "target": "label"], "task": "regression",
                ]))
        #expect(reply.status == 422)
        #expect(reply.message == "TrainingJob.trainyard.dev \"y\" is invalid: spec.model: Required value")
    }

    @Test func statusIsValidatedThroughTheStatusSubresource() {
        let created = cluster.post(trainingJobs, Self.trainingJob("x"))
        #expect(created.status == 201)
        var body = created.body
        body["status"] = ["phase": "Exploded"]
        let reply = cluster.put(trainingJobs + "/x/status", body)
        #expect(reply.status == 422)
        #expect(causes(reply) == ["status.phase": "FieldValueNotSupported"])
    }

    @Test func customResourceUpdatesNeedAResourceVersion() {
        let created = cluster.post(trainingJobs, Self.trainingJob("x"))
        var body = created.body
        body[path: ["metadata", "resourceVersion"]] = nil
        let reply = cluster.put(trainingJobs + "/x", body)
        #expect(reply.status == 422)
        // The real store names the resource, not the kind, in this one message.
        #expect(
            reply.message
                == "trainingjobs.trainyard.dev \"x\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"
        )
        #expect(reply.body[path: ["details", "kind"]] == "trainingjobs")
        #expect(causes(reply) == ["metadata.resourceVersion": "FieldValueInvalid"])
    }

    @Test func strictFieldValidationRefusesUnknownFields() {
        var job = Self.trainingJob("x")
        job[path: ["spec", "foo"]] = "bar"
        let reply = cluster.post(trainingJobs, job, query: ["fieldValidation": "Strict"])
        #expect(reply.status == 400)
        #expect(reply.reason == "BadRequest")
        #expect(
            reply.message
                == "TrainingJob in version \"v1alpha1\" cannot be handled as a TrainingJob: strict decoding error: unknown field \"spec.foo\""
        )
        #expect(cluster.get(trainingJobs + "/x").status == 404)
    }

    @Test func unknownFieldsArePrunedWithAWarningByDefault() {
        var job = Self.trainingJob("x")
        job[path: ["spec", "foo"]] = "bar"
        job[path: ["spec", "data", "extra"]] = 1
        let reply = cluster.post(trainingJobs, job)
        #expect(reply.status == 201)
        #expect(Set(reply.warnings) == ["unknown field \"spec.data.extra\"", "unknown field \"spec.foo\""])
        let stored = cluster.get(trainingJobs + "/x").body
        #expect(stored[path: ["spec", "foo"]] == nil)
        #expect(stored[path: ["spec", "data", "extra"]] == nil)
        #expect(stored[path: ["spec", "data", "source"]] == "/data/train.csv")

        var ignored = Self.trainingJob("quiet")
        ignored[path: ["spec", "foo"]] = "bar"
        let quiet = cluster.post(trainingJobs, ignored, query: ["fieldValidation": "Ignore"])
        #expect(quiet.status == 201)
        #expect(quiet.warnings.isEmpty)
        #expect(quiet.body[path: ["spec", "foo"]] == nil)

        let bad = cluster.post(trainingJobs, Self.trainingJob("z"), query: ["fieldValidation": "Loud"])
        #expect(bad.status == 400)
    }

    @Test func defaultsAreApplied() {
        var job = Self.trainingJob("x")
        job[path: ["spec", "register"]] = ["modelName": "churn", "promotion": ["metric": "auc"]]
        let reply = cluster.post(trainingJobs, job)
        #expect(reply.status == 201)
        let spec = reply.body["spec"] ?? [:]
        #expect(spec[path: ["data", "validationFraction"]] == 0.2)
        #expect(spec[path: ["data", "format"]] == "csv")
        #expect(spec["backoffLimit"] == 2)
        #expect(spec[path: ["register", "promotion", "alias"]] == "champion")
        // The mode has no schema default: it follows the metric's direction unless given.
        #expect(spec[path: ["register", "promotion", "mode"]] == nil)
        // Defaults apply only where the parent object exists.
        #expect(spec["tuning"] == nil)

        // A value given is kept.
        var explicit = Self.trainingJob("y")
        explicit[path: ["spec", "data", "validationFraction"]] = 0.3
        #expect(cluster.post(trainingJobs, explicit).body[path: ["spec", "data", "validationFraction"]] == 0.3)
    }
}
