import Foundation
import Testing

@testable import DataIO

@Suite("The datasets shipped in data/")
struct ShippedDatasetTests {
    static let dataDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/data"
    }()

    @Test("breast_cancer.csv reads as 30 numeric features and a two-class target, and splits by class")
    func breastCancer() throws {
        let frame = try CSVReader.read(path: Self.dataDirectory + "/breast_cancer.csv")
        #expect(frame.rowCount == 569)
        #expect(frame.columns.count == 31)
        #expect(frame.columns.prefix(30).allSatisfy { $0.kind == .numeric && $0.missingCount == 0 })
        #expect(frame.columns[0].name == "mean radius")
        #expect(frame.columns[0].values[0] == 17.99)
        let target = try frame.column(named: "diagnosis", role: "target")
        let encoded = try encodeLabels(target, source: frame.source)
        #expect(encoded.classes == ["benign", "malignant"])
        #expect(encoded.labels.filter { $0 == 1 }.count == 212)
        let split = trainValidationSplit(rowCount: 569, validationFraction: 0.2, seed: 42, stratifyBy: encoded.labels)
        #expect(split.validation.count == 114)
        let malignantInValidation = split.validation.filter { encoded.labels[$0] == 1 }.count
        // 114 x 212/569 = 42.47 and 114 x 357/569 = 71.53: the larger remainder (benign) gets the odd row.
        #expect(malignantInValidation == 42)
        #expect(Set(split.train).isDisjoint(with: split.validation))
        #expect(split.train.count + split.validation.count == 569)
    }
}
