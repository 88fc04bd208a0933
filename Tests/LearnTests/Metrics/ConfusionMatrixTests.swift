import Foundation
import Testing

@testable import Learn

struct ConfusionMatrixTests {
    // labels [0,0,1,1,2,2] vs predicted [0,1,1,1,2,0]:
    //            predicted 0  1  2
    //   actual 0          1  1  0
    //   actual 1          0  2  0
    //   actual 2          1  0  1
    static func example(classCount: Int = 3) throws -> ConfusionMatrix {
        try ConfusionMatrix(labels: [0, 0, 1, 1, 2, 2], predicted: [0, 1, 1, 1, 2, 0], classCount: classCount)
    }

    @Test func countsAreIndexedActualThenPredicted() throws {
        let matrix = try Self.example()
        #expect(matrix.counts == [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
        #expect(matrix.total == 6)
        #expect(matrix.accuracy == 4.0 / 6.0)
    }

    @Test func perClassPrecisionRecallF1() throws {
        let matrix = try Self.example()
        // Precision = diagonal / column sum: 1/2, 2/3, 1/1. Recall = diagonal / row sum: 1/2, 2/2, 1/2.
        // F1 = 2TP / (2TP + FP + FN): 2/(2+1+1) = .5, 4/(4+1+0) = .8, 2/(2+0+1) = 2/3.
        #expect((0..<3).map(matrix.precision(of:)) == [0.5, 2.0 / 3.0, 1])
        #expect((0..<3).map(matrix.recall(of:)) == [0.5, 1, 0.5])
        #expect((0..<3).map(matrix.f1(of:)) == [0.5, 0.8, 2.0 / 3.0])
    }

    @Test func macroAverages() throws {
        let matrix = try Self.example()
        // (.5 + .6667 + 1) / 3 = .72222; (.5 + 1 + .5) / 3 = .66667; (.5 + .8 + .66667) / 3 = .65556.
        #expect(abs(matrix.macroPrecision - 13.0 / 18.0) < 1e-15)
        #expect(abs(matrix.macroRecall - 2.0 / 3.0) < 1e-15)
        #expect(abs(matrix.macroF1 - 59.0 / 90.0) < 1e-15)
    }

    @Test func macroAveragesSkipClassesNeverSeen() throws {
        // Class 3 is neither a label nor a prediction; sklearn would not know it exists, so it must not
        // pull the averages towards 0.
        let wide = try Self.example(classCount: 4)
        let narrow = try Self.example()
        #expect(wide.counts.count == 4)
        #expect(wide.macroPrecision == narrow.macroPrecision)
        #expect(wide.macroRecall == narrow.macroRecall)
        #expect(wide.macroF1 == narrow.macroF1)
    }

    @Test func macroAveragesIncludeClassesOnlyPredicted() throws {
        // Class 2 is predicted once but never a label: precision 0, recall 0 and F1 0 count in the mean.
        let matrix = try ConfusionMatrix(labels: [0, 1], predicted: [0, 2], classCount: 3)
        // Precision: class 0 1/1, class 1 0/0 -> 0, class 2 0/1 -> 0; mean 1/3.
        #expect(matrix.macroPrecision == 1.0 / 3.0)
    }

    @Test func codableRoundTrip() throws {
        let matrix = try Self.example()
        let data = try JSONEncoder().encode(matrix)
        #expect(try JSONDecoder().decode(ConfusionMatrix.self, from: data) == matrix)
    }

    @Test(arguments: [
        #"{"classCount": 2, "counts": [[1, 2], [3]]}"#,
        #"{"classCount": 3, "counts": [[1, 2], [3, 4]]}"#,
        #"{"classCount": 2, "counts": [[1, -2], [3, 4]]}"#,
        #"{"classCount": 0, "counts": []}"#,
        #"{"classCount": 2}"#,
    ])
    func decodingRejectsMalformedMatrices(json: String) {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ConfusionMatrix.self, from: Data(json.utf8)) }
    }
}
