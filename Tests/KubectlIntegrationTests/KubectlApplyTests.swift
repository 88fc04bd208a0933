import Foundation
import Testing
import TrainyardTesting

/// kubectl 1.37 against `trainyard dev`, without `--validate=false`: what users do with a real cluster must work.
@Suite(.enabled(if: ExternalTool.shouldRun("kubectl"), "kubectl not installed: run scripts/bootstrap (required under CI=true)"))
struct KubectlApplyTests {
    let root = repositoryRoot

    @Test func applyCRDsThenExamplesAndReapply() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        let crds = try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        #expect(crds.contains("customresourcedefinition.apiextensions.k8s.io/trainingjobs.trainyard.dev created"))
        let created = try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/")
        #expect(created.components(separatedBy: " created").count - 1 == 3, "\(created)")

        let table = try await cluster.kubectlOK("get", "tj,md,bp")
        for header in ["PHASE", "MODEL", "VERSION", "METRIC", "AGE", "ALIAS", "READY", "URL", "ROWS", "DRIFT"] {
            #expect(table.contains(header), "missing column \(header) in:\n\(table)")
        }
        #expect(table.contains("trainingjob.trainyard.dev/credit-default-gbdt"))
        #expect(table.contains("credit-default"))

        let category = try await cluster.kubectlOK("get", "trainyard", "-o", "name")
        #expect(category.split(separator: "\n").count == 3, "\(category)")

        let again = try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/")
        #expect(again.components(separatedBy: " unchanged").count - 1 == 3, "\(again)")

        let changed = try String(contentsOfFile: root + "/examples/reference/modeldeployment.yaml", encoding: .utf8)
            .replacingOccurrences(of: "replicas: 2", with: "replicas: 4")
        #expect(changed.contains("replicas: 4"), "the example no longer has replicas: 2; update this test")
        let configured = try await cluster.kubectlOK("apply", "-f", "-", stdin: changed)
        #expect(configured.contains("modeldeployment.trainyard.dev/credit-default configured"), "\(configured)")
        #expect(try await cluster.kubectlOK("get", "md", "credit-default", "-o", "jsonpath={.spec.replicas}") == "4")

        let ssa = try await cluster.kubectlOK(
            "apply", "--server-side", "-f", root + "/examples/reference/trainingjob.yaml", "-f",
            root + "/examples/reference/batchprediction.yaml")
        #expect(ssa.components(separatedBy: "serverside-applied").count - 1 == 2, "\(ssa)")
        // The deployment's replicas now belong to client-side apply: server-side apply with the old value conflicts.
        let conflict = try await cluster.kubectl("apply", "--server-side", "-f", root + "/examples/reference/modeldeployment.yaml")
        #expect(!conflict.succeeded)
        #expect(conflict.stderr.contains("conflict with \"kubectl-client-side-apply\""), "\(conflict)")
        #expect(conflict.stderr.contains(".spec.replicas"))
        let forced = try await cluster.kubectlOK(
            "apply", "--server-side", "--force-conflicts", "-f", root + "/examples/reference/modeldeployment.yaml")
        #expect(forced.contains("serverside-applied"))
        #expect(try await cluster.kubectlOK("get", "md", "credit-default", "-o", "jsonpath={.spec.replicas}") == "2")
    }

    @Test func serverSideApplyOfTheExamples() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        // Objects first written by client-side apply, then taken over by server-side apply unchanged.
        try await cluster.kubectlOK("apply", "-f", root + "/examples/reference/")
        let ssa = try await cluster.kubectlOK("apply", "--server-side", "-f", root + "/examples/reference/")
        #expect(ssa.components(separatedBy: "serverside-applied").count - 1 == 3, "\(ssa)")
        let managers = try await cluster.kubectlOK(
            "get", "tj", "credit-default-gbdt", "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[*].manager}")
        #expect(managers.contains("kubectl") && managers.contains("kubectl-client-side-apply"), "\(managers)")
        // And on an empty cluster, server-side apply creates.
        let fresh = try await DevClusterHarness.start()
        defer { Task { await fresh.stop() } }
        try await fresh.kubectlOK("apply", "--server-side", "-f", root + "/crds/")
        let created = try await fresh.kubectlOK("apply", "--server-side", "-f", root + "/examples/reference/")
        #expect(created.components(separatedBy: "serverside-applied").count - 1 == 3, "\(created)")
        #expect(try await fresh.kubectlOK("get", "tj", "credit-default-gbdt", "-o", "jsonpath={.spec.data.validationFraction}") == "0.2")
    }

    @Test func explainPrintsFieldDocs() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        let doc = try await cluster.kubectlOK("explain", "trainingjob.spec.model")
        #expect(doc.contains("KIND:       TrainingJob"), "\(doc)")
        #expect(doc.contains("FIELDS:"))
        #expect(doc.contains("type\t<string> -required-"), "\(doc)")
        #expect(doc.contains("gbdt"))
        let top = try await cluster.kubectlOK("explain", "tj")
        #expect(top.contains("spec\t<Object>"), "\(top)")
    }

    @Test func invalidTrainingJobsAreRefusedWithTheFieldPath() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        try await cluster.kubectlOK("apply", "-f", root + "/crds/")
        let cases: [(String, String, String)] = [
            (
                "bad enum", "model: {type: foo}\n  data: {source: /d.csv, target: y}",
                #"spec.model.type: Unsupported value: "foo": supported values: "gbdt", "logistic", "linear""#
            ),
            ("missing required", "model: {type: gbdt}", "spec.data: Required value"),
            (
                "wrong type", "model: {type: gbdt}\n  data: {source: /d.csv, target: y, validationFraction: abc}",
                "spec.data.validationFraction in body must be of type number"
            ),
        ]
        for (label, spec, expected) in cases {
            let manifest = """
                apiVersion: trainyard.dev/v1alpha1
                kind: TrainingJob
                metadata: {name: bad}
                spec:
                  task: classification
                  register: {modelName: m}
                  \(spec)
                """
            let result = try await cluster.kubectl("apply", "-f", "-", stdin: manifest)
            #expect(!result.succeeded, "\(label): accepted")
            #expect(result.stderr.contains(expected), "\(label): \(result.stderr)")
        }
        let unknown = try await cluster.kubectl(
            "apply", "-f", "-",
            stdin:
                "apiVersion: trainyard.dev/v1alpha1\nkind: TrainingJob\nmetadata: {name: bad}\nspec: {task: classification, colour: red, model: {type: gbdt}, data: {source: /d.csv, target: y}, register: {modelName: m}}\n"
        )
        #expect(!unknown.succeeded)
        #expect(unknown.stderr.contains(#"unknown field "spec.colour""#), "\(unknown)")
        #expect(try await cluster.kubectl("get", "tj", "bad").stderr.contains("NotFound"))
    }

    @Test func requestsWithoutTheTokenGet401() async throws {
        let cluster = try await DevClusterHarness.start()
        defer { Task { await cluster.stop() } }
        let wrong = try await cluster.kubectl("get", "namespaces", "--token=not-the-token")
        #expect(!wrong.succeeded)
        #expect(wrong.stderr.contains("provide credentials") || wrong.stderr.contains("Unauthorized"), "\(wrong)")
        let config = try String(contentsOfFile: cluster.kubeconfig, encoding: .utf8)
        let noToken = cluster.directory + "/kubeconfig-no-token"
        // Basic credentials instead of the bearer token: the server must refuse them.
        let basic = config.split(separator: "\n").map { $0.contains("token:") ? "    username: admin\n    password: admin" : String($0) }
        try basic.joined(separator: "\n").write(toFile: noToken, atomically: true, encoding: .utf8)
        let anonymous = try await cluster.kubectl("--kubeconfig", noToken, "get", "--raw", "/apis/trainyard.dev/v1alpha1")
        #expect(!anonymous.succeeded)
        #expect(anonymous.stderr.contains("Unauthorized"), "\(anonymous)")
        #expect(try await cluster.kubectl("get", "namespaces").succeeded)
    }
}
