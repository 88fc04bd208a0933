/// Evaluation metrics for trained models, matching scikit-learn's definitions so numbers agree with
/// what users compute in a notebook.
///
/// Labels are class indices (`Int32`, `0..<classCount`). Binary probabilities and scores are one value
/// per row: the probability (or score) of class 1. Multiclass probabilities are row-major, `rows x
/// classCount`. Every function checks its input and throws ``MetricError`` rather than trapping or
/// returning NaN.
public enum Metrics {}

extension Metrics {
    /// Runs `body` over the elements as one contiguous buffer, copying only when the collection has
    /// no contiguous storage, so the numeric loops below are non-generic and fast.
    @inline(__always)
    static func withBuffer<C: Collection, R>(_ values: C, _ body: (UnsafeBufferPointer<C.Element>) -> R) -> R {
        if let result = values.withContiguousStorageIfAvailable(body) { return result }
        return Array(values).withUnsafeBufferPointer(body)
    }

    static func checkSameLength(
        _ metric: String, _ firstName: String, _ firstCount: Int, _ secondName: String, _ secondCount: Int
    ) throws(MetricError) {
        guard firstCount == secondCount else {
            throw MetricError(
                .lengthMismatch(firstName: firstName, firstCount: firstCount, secondName: secondName, secondCount: secondCount),
                metric: metric)
        }
        guard firstCount > 0 else { throw MetricError(.empty, metric: metric) }
    }

    static func checkLabels(_ metric: String, _ name: String, _ labels: UnsafeBufferPointer<Int32>, classCount: Int) -> MetricError? {
        for (index, label) in labels.enumerated() where label < 0 || Int(label) >= classCount {
            return MetricError(.labelOutOfRange(name: name, index: index, value: label, classCount: classCount), metric: metric)
        }
        return nil
    }

    static func checkFinite(_ metric: String, _ name: String, _ values: UnsafeBufferPointer<Double>) -> MetricError? {
        for (index, value) in values.enumerated() where !value.isFinite {
            return MetricError(.nonFinite(name: name, index: index, value: value), metric: metric)
        }
        return nil
    }
}
