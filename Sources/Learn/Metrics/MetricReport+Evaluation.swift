extension MetricReport {
    /// Every binary classification metric for `probabilities` (of class 1), with class 1 predicted when
    /// the probability is above `threshold` (as scikit-learn's and LightGBM's `predict`).
    public static func binaryClassification(
        labels: some Collection<Int32>, probabilities: some Collection<Double>, threshold: Double = 0.5
    ) throws(MetricError) -> MetricReport {
        let labels = Array(labels)
        let probabilities = Array(probabilities)
        let predicted = probabilities.map { Int32($0 > threshold ? 1 : 0) }
        // Log loss first: it checks that the probabilities lie in [0, 1].
        let logloss = try Metrics.logLoss(labels: labels, probabilities: probabilities)
        let matrix = try ConfusionMatrix(labels: labels, predicted: predicted, classCount: 2)
        var report = MetricReport(task: .classification, metrics: [:], confusionMatrix: matrix)
        report[.logloss] = logloss
        report[.auc] = try Metrics.rocAUC(labels: labels, scores: probabilities)
        report[.prauc] = try Metrics.prAUC(labels: labels, scores: probabilities)
        report[.accuracy] = matrix.accuracy
        report[.precision] = matrix.precision(of: 1)
        report[.recall] = matrix.recall(of: 1)
        report[.f1] = matrix.f1(of: 1)
        return report
    }

    /// Every multiclass metric for row-major `probabilities` (`rows x classCount`), predicting the most
    /// probable class (the lowest index on a tie). Precision, recall and F1 are macro averages; `prauc`
    /// is left out. With `classCount` 2 this gives the binary report, read from column 1.
    public static func multiclassClassification(
        labels: some Collection<Int32>, probabilities: some Collection<Double>, classCount: Int
    ) throws(MetricError) -> MetricReport {
        let labels = Array(labels)
        let probabilities = Array(probabilities)
        try Metrics.checkProbabilityShape(
            "classification report", labelCount: labels.count, valueCount: probabilities.count, classCount: classCount)
        if classCount == 2 {
            return try binaryClassification(
                labels: labels, probabilities: stride(from: 1, to: probabilities.count, by: 2).map { probabilities[$0] })
        }
        let logloss = try Metrics.logLoss(labels: labels, probabilities: probabilities, classCount: classCount)
        let predicted = (0..<labels.count).map { row -> Int32 in
            let rowValues = probabilities[(row * classCount)..<((row + 1) * classCount)]
            var best = rowValues.startIndex
            for index in rowValues.indices where rowValues[index] > rowValues[best] { best = index }
            return Int32(best - rowValues.startIndex)
        }
        let matrix = try ConfusionMatrix(labels: labels, predicted: predicted, classCount: classCount)
        var report = MetricReport(task: .classification, metrics: [:], confusionMatrix: matrix)
        report[.logloss] = logloss
        report[.auc] = try Metrics.rocAUC(labels: labels, scores: probabilities, classCount: classCount)
        report[.accuracy] = matrix.accuracy
        report[.precision] = matrix.macroPrecision
        report[.recall] = matrix.macroRecall
        report[.f1] = matrix.macroF1
        return report
    }

    /// RMSE, MAE and R² of `predicted` against `targets`.
    public static func regression(targets: some Collection<Double>, predicted: some Collection<Double>) throws(MetricError) -> MetricReport
    {
        let targets = Array(targets)
        let predicted = Array(predicted)
        var report = MetricReport(task: .regression, metrics: [:])
        report[.rmse] = try Metrics.rmse(targets: targets, predicted: predicted)
        report[.mae] = try Metrics.mae(targets: targets, predicted: predicted)
        report[.r2] = try Metrics.r2(targets: targets, predicted: predicted)
        return report
    }
}
