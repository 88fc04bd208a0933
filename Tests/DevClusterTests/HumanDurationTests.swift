import Testing

@testable import DevCluster

/// The expectations of apimachinery's `duration.HumanDuration` tests, in whole seconds (the ages
/// kubectl shows never carry fractions, and `TableConverter` truncates before formatting).
@Suite struct HumanDurationTests {
    static let minute = 60
    static let hour = 3600
    static let day = 24 * hour
    static let year = 365 * day

    static let cases: [(Int, String)] = [
        (1, "1s"),
        (70, "70s"),
        (190, "3m10s"),
        (70 * minute, "70m"),
        (47 * hour, "47h"),
        (49 * hour, "2d1h"),
        ((8 * 24 + 2) * hour, "8d"),
        (367 * day, "367d"),
        (2 * year + 25 * hour, "2y1d"),
        (8 * year + 2 * hour, "8y"),
        // Boundaries.
        (-2, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (2 * minute - 1, "119s"),
        (2 * minute, "2m"),
        (2 * minute + 1, "2m1s"),
        (10 * minute - 1, "9m59s"),
        (10 * minute, "10m"),
        (10 * minute + 1, "10m"),
        (3 * hour - 1, "179m"),
        (3 * hour, "3h"),
        (3 * hour + minute, "3h1m"),
        (8 * hour - 1, "7h59m"),
        (8 * hour, "8h"),
        (8 * hour + 59 * minute, "8h"),
        (2 * day - 1, "47h"),
        (2 * day, "2d"),
        (2 * day + hour, "2d1h"),
        (8 * day - 1, "7d23h"),
        (8 * day, "8d"),
        (8 * day + 23 * hour, "8d"),
        (2 * year - 1, "729d"),
        (2 * year, "2y"),
        (2 * year + 23 * hour + 59 * minute, "2y"),
        (2 * year + day - 1, "2y"),
        (2 * year + day, "2y1d"),
        (3 * year, "3y"),
        (7 * year, "7y"),
        (8 * year - 1, "7y364d"),
        (8 * year, "8y"),
        (8 * year + 364 * day, "8y"),
        (9 * year, "9y"),
    ]

    @Test(arguments: cases)
    func formats(_ seconds: Int, _ expected: String) {
        #expect(HumanDuration.format(seconds: seconds) == expected, "\(seconds)s")
    }
}
