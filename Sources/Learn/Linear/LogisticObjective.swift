import Foundation

/// The penalised logistic log loss as a function of the parameter vector, scaled like scikit-learn's
/// lbfgs objective: `(1/n) Σ logloss_i + ‖W‖² / (2·C·n)` (same minimiser as `C·Σ loss + ‖W‖²/2`,
/// but a gradient tolerance means the same thing for any row count).
///
/// Parameter layout, class-major: for each of `rows` coefficient rows, `d` weights followed by the
/// intercept when `fitIntercept`. Binary problems have one row (the logit of class 1); multiclass
/// problems have one row per class and use the softmax.
struct LogisticObjective {
    let x: FeatureMatrix
    let labels: [Int32]
    let classCount: Int
    let inverseC: Double
    let fitIntercept: Bool

    var rows: Int { classCount == 2 ? 1 : classCount }
    var stride: Int { x.columnCount + (fitIntercept ? 1 : 0) }
    var parameterCount: Int { rows * stride }

    /// The objective at `theta`, writing its gradient into `gradient`.
    func evaluate(_ theta: [Double], gradient: inout [Double]) -> Double {
        let n = x.rowCount
        let d = x.columnCount
        let k = rows
        let p = stride
        for i in gradient.indices { gradient[i] = 0 }
        var loss = 0.0
        var logits = [Double](repeating: 0, count: k)
        x.values.withUnsafeBufferPointer { v in
            theta.withUnsafeBufferPointer { t in
                gradient.withUnsafeMutableBufferPointer { g in
                    for r in 0..<n {
                        let base = r * d
                        for j in 0..<k {
                            var z = fitIntercept ? t[j * p + d] : 0
                            for c in 0..<d { z += t[j * p + c] * v[base + c] }
                            logits[j] = z
                        }
                        let label = Int(labels[r])
                        if k == 1 {
                            let z = logits[0]
                            // softplus(z) - y z, stable for large |z|.
                            loss += max(z, 0) + log1p(exp(-abs(z))) - (label == 1 ? z : 0)
                            let residual = LogisticObjective.sigmoid(z) - (label == 1 ? 1 : 0)
                            for c in 0..<d { g[c] += residual * v[base + c] }
                            if fitIntercept { g[d] += residual }
                        } else {
                            let top = logits.max()!
                            let shiftedLabelLogit = logits[label] - top
                            var sum = 0.0
                            for j in 0..<k {
                                logits[j] = exp(logits[j] - top)
                                sum += logits[j]
                            }
                            // log Σ exp(z) - z_label, with z shifted by `top`.
                            loss += log(sum) - shiftedLabelLogit
                            for j in 0..<k {
                                let residual = logits[j] / sum - (j == label ? 1 : 0)
                                for c in 0..<d { g[j * p + c] += residual * v[base + c] }
                                if fitIntercept { g[j * p + d] += residual }
                            }
                        }
                    }
                }
            }
        }
        let scale = 1 / Double(n)
        var penalty = 0.0
        for j in 0..<k {
            for c in 0..<d {
                let weight = theta[j * p + c]
                penalty += weight * weight
                gradient[j * p + c] = gradient[j * p + c] * scale + inverseC * scale * weight
            }
            if fitIntercept { gradient[j * p + d] *= scale }
        }
        return loss * scale + 0.5 * inverseC * scale * penalty
    }

    /// Binary only: the Hessian of the objective (row-major `stride x stride`) at `theta`.
    func binaryHessian(_ theta: [Double]) -> [Double] {
        precondition(rows == 1)
        let n = x.rowCount
        let d = x.columnCount
        let p = stride
        var hessian = [Double](repeating: 0, count: p * p)
        var row = [Double](repeating: 1, count: p)
        for r in 0..<n {
            var z = fitIntercept ? theta[d] : 0
            for c in 0..<d {
                row[c] = x.values[r * d + c]
                z += theta[c] * row[c]
            }
            let probability = LogisticObjective.sigmoid(z)
            let curvature = probability * (1 - probability)
            for i in 0..<p {
                let weighted = curvature * row[i]
                for j in 0...i { hessian[i * p + j] += weighted * row[j] }
            }
        }
        let scale = 1 / Double(n)
        for i in 0..<p {
            for j in 0...i {
                hessian[i * p + j] *= scale
                hessian[j * p + i] = hessian[i * p + j]
            }
            if i < d { hessian[i * p + i] += inverseC * scale }
        }
        return hessian
    }

    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }
}
