import Foundation
import Learn

/// The plots of a training run, drawn on the validation rows, as SVG files for `plots/`.
enum TrainingPlots {
    static func render(_ outcome: TrainingOutcome) -> [(name: String, svg: String)] {
        var plots: [(name: String, svg: String)] = []
        let predictions = outcome.validationPredictions
        let targets = outcome.validationTargets
        if predictions.isClassification {
            let classes = predictions.classes
            if let matrix = outcome.validationMetrics.confusionMatrix {
                plots.append(("confusion_matrix.svg", SVGPlot.confusionMatrix(classes: classes, counts: matrix.counts)))
            }
            // Binary: the positive class's curve; multiclass: one-vs-rest per class present in the rows.
            let k = classes.count
            let curveClasses = k == 2 ? [1] : Array(0..<k)
            var curves: [(name: String, curve: ROCCurve)] = []
            for c in curveClasses {
                let labels = targets.map { Int32($0) == Int32(c) ? Int32(1) : 0 }
                let scores = (0..<predictions.rowCount).map { predictions.values[$0 * k + c] }
                if let curve = try? ROCCurve(labels: labels, scores: scores) { curves.append((classes[c], curve)) }
            }
            if !curves.isEmpty { plots.append(("roc_curve.svg", SVGPlot.rocCurves(curves))) }
        } else {
            plots.append(("predicted_vs_actual.svg", SVGPlot.predictedVersusActual(actual: targets, predicted: predictions.values)))
        }
        let total = outcome.importance.reduce(0) { $0 + $1.totalGain }
        if total > 0 {
            plots.append(
                ("feature_importance.svg", SVGPlot.featureImportance(outcome.importance.map { ($0.feature, $0.totalGain / total) })))
        }
        if let history = outcome.history {
            plots.append(
                (
                    "learning_curves.svg",
                    SVGPlot.learningCurves(
                        metric: history.metric.rawValue, train: history.train, validation: history.validation,
                        bestRound: history.stoppedEarly ? history.bestRound : nil)
                ))
        }
        return plots
    }
}
