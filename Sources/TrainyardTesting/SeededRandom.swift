import DataIO

/// The seeded SplitMix64 generator of `DataIO`, for fuzz tests, so a failing case reproduces from
/// its seed.
public typealias SeededRandom = SeededGenerator

extension SeededGenerator {
    /// A value in `0..<n` (modulo: fast, and its slight bias does not matter for fuzzing).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// One of `options`, which must not be empty.
    public mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }
}
