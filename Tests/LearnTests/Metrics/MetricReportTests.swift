import Foundation
import Testing

@testable import Learn

struct MetricReportTests {
    @Test func binaryReportHasEveryClassificationMetric() throws {
        let report = try MetricReport.binaryClassification(labels: [0, 0, 1, 1], probabilities: [0.1, 0.4, 0.35, 0.8])
        // Above 0.5 only row 3: predicted [0, 0, 0, 1]; TP 1, FP 0, FN 1, TN 2.
        #expect(report.task == .classification)
        #expect(report.confusionMatrix?.counts == [[2, 0], [1, 1]])
        #expect(report[.auc] == 0.75)
        #expect(abs(report[.prauc]! - 5.0 / 6.0) < 1e-15)
        #expect(report[.accuracy] == 0.75)
        #expect(report[.precision] == 1)
        #expect(report[.recall] == 0.5)
        #expect(report[.f1] == 2.0 / 3.0)
        // -(ln .9 + ln .6 + ln .35 + ln .8) / 4
        #expect(abs(report[.logloss]! - (-(log(0.9) + log(0.6) + log(0.35) + log(0.8)) / 4)) < 1e-15)
        #expect(Set(report.metrics.keys) == ["auc", "prauc", "accuracy", "precision", "recall", "f1", "logloss"])
    }

    @Test func multiclassReportUsesArgmaxAndMacroAverages() throws {
        let report = try MetricReport.multiclassClassification(
            labels: [0, 1, 2, 2],
            probabilities: [0.6, 0.3, 0.1, 0.2, 0.35, 0.45, 0.1, 0.3, 0.6, 0.3, 0.4, 0.3],
            classCount: 3)
        // argmax rows: 0, 2, 2, 1.
        #expect(report.confusionMatrix?.counts == [[1, 0, 0], [0, 0, 1], [0, 1, 1]])
        #expect(report[.accuracy] == 0.5)
        #expect(abs(report[.auc]! - 29.0 / 36.0) < 1e-15)
        #expect(report[.prauc] == nil)
        // Recall per class 1, 0, ½ -> ½.
        #expect(report[.recall] == 0.5)
    }

    @Test func multiclassReportWithTwoClassesIsTheBinaryReport() throws {
        let multi = try MetricReport.multiclassClassification(
            labels: [0, 0, 1, 1], probabilities: [0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8], classCount: 2)
        let binary = try MetricReport.binaryClassification(labels: [0, 0, 1, 1], probabilities: [0.1, 0.4, 0.35, 0.8])
        #expect(multi == binary)
    }

    @Test func regressionReport() throws {
        let report = try MetricReport.regression(targets: [3, -0.5, 2, 7], predicted: [2.5, 0.0, 2, 8])
        #expect(report.task == .regression)
        #expect(report.confusionMatrix == nil)
        #expect(report[.mae] == 0.5)
        #expect(Set(report.metrics.keys) == ["rmse", "mae", "r2"])
    }

    @Test func jsonHasSortedKeysAndRoundTrips() throws {
        let report = MetricReport(
            task: .classification, metrics: ["recall": 0.5, "auc": 0.75, "f1": 0.25, "logloss": 0.5],
            confusionMatrix: try ConfusionMatrix(counts: [[2, 0], [1, 1]]))
        let data = try report.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        let keys = ["\"auc\"", "\"f1\"", "\"logloss\"", "\"recall\""].map { text.range(of: $0)!.lowerBound }
        #expect(keys == keys.sorted())
        #expect(text.range(of: "\"confusionMatrix\"")!.lowerBound < text.range(of: "\"metrics\"")!.lowerBound)
        #expect(text.contains("\"task\" : \"classification\""))
        #expect(try JSONDecoder().decode(MetricReport.self, from: data) == report)
    }

    @Test func jsonOmitsAbsentConfusionMatrix() throws {
        let data = try MetricReport(task: .regression, metrics: ["rmse": 1]).jsonData()
        #expect(!String(decoding: data, as: UTF8.self).contains("confusionMatrix"))
    }
}
