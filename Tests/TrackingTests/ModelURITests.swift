import Testing

@testable import Tracking

@Suite("Model URIs")
struct ModelURITests {
    @Test(
        "the forms MLflow users write parse, and print back as given",
        arguments: [
            ("models:/churn@champion", ModelURI.alias(name: "churn", alias: "champion"), "models:/churn@champion"),
            ("models:/churn/3", .version(name: "churn", version: "3"), "models:/churn/3"),
            ("models:/churn/007", .version(name: "churn", version: "7"), "models:/churn/7"),
            ("models:/churn/latest", .latest(name: "churn"), "models:/churn/latest"),
            ("models:/my model@prod-2", .alias(name: "my model", alias: "prod-2"), "models:/my model@prod-2"),
            ("runs:/0123abc/model", .run(id: "0123abc", path: "model"), "runs:/0123abc/model"),
            ("runs:/0123abc/nested/dir/", .run(id: "0123abc", path: "nested/dir"), "runs:/0123abc/nested/dir"),
            (
                "mlflow-artifacts:/1/abc/artifacts/model", .artifacts("mlflow-artifacts:/1/abc/artifacts/model"),
                "mlflow-artifacts:/1/abc/artifacts/model"
            ),
            ("out/model", .local("out/model"), "out/model"),
            ("/abs/model.json", .local("/abs/model.json"), "/abs/model.json"),
            ("file:///abs/dir", .local("/abs/dir"), "/abs/dir"),
            ("weird:name", .local("weird:name"), "weird:name"),
        ])
    func parses(text: String, expected: ModelURI, printed: String) throws {
        let uri = try ModelURI(parsing: text)
        #expect(uri == expected)
        #expect(uri.description == printed)
        #expect(
            uri.needsTrackingServer
                == (printed.hasPrefix("models:") || printed.hasPrefix("runs:") || printed.hasPrefix("mlflow-artifacts:")))
    }

    @Test(
        "malformed URIs are refused, saying what is wrong and what is expected",
        arguments: [
            ("models:/churn", "no version or alias"),
            ("models:/churn/zero", "version \"zero\" is not a positive number"),
            ("models:/churn/0", "version \"0\" is not a positive number"),
            ("models:/churn@", "the alias after @ is empty"),
            ("models:/@champion", "the model name is empty"),
            ("models:/a/b/c", "no version or alias"),
            ("runs:/abc", "no artifact path after the run id"),
            ("runs:/abc/", "no artifact path after the run id"),
            ("s3://bucket/model", "scheme \"s3\" is not supported"),
            ("", "it is empty"),
        ])
    func refuses(text: String, fragment: String) {
        #expect {
            try ModelURI(parsing: text)
        } throws: { error in
            let message = (error as? MLflowError)?.message ?? ""
            return message.contains(fragment) && message.contains("expected models:/NAME@ALIAS")
        }
    }
}
