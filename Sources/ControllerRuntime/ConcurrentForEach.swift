/// Runs `body` for every index in `range`, at most `limit` at a time, and rethrows the first
/// error: for bulk writes (tests, benchmarks, controllers creating many children) that must not
/// open a request per object all at once.
public func concurrentForEach(
    _ range: Range<Int>, limit: Int, _ body: @escaping @Sendable (Int) async throws -> Void
) async throws {
    precondition(limit > 0, "concurrentForEach needs a positive limit")
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = range.lowerBound
        func start() {
            let index = next
            next += 1
            group.addTask { try await body(index) }
        }
        while next < range.upperBound && next - range.lowerBound < limit { start() }
        while try await group.next() != nil {
            if next < range.upperBound { start() }
        }
    }
}
