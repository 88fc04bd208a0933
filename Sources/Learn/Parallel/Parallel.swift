import Dispatch
import Foundation

/// The trainer's one way to use several cores: a fixed number of chunks of work, each run exactly
/// once, on at most `threads` threads. Hot loops split their data into chunks whose boundaries do not
/// depend on the thread count, and combine chunk results in chunk order, so a model is bit-identical
/// however many threads trained it.
enum Parallel {
    /// Cores this process may use.
    static var coreCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `requested` threads, or every core when `requested` is 0 or less.
    static func threads(_ requested: Int) -> Int { requested > 0 ? requested : coreCount }

    /// Runs `body(chunk)` for every chunk in `0..<chunks`; worker w takes chunks w, w + workers, ...
    /// Runs inline when one thread or one chunk is asked for.
    static func forEach(chunks: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        let workers = min(threads, chunks)
        if workers <= 1 {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for chunk in stride(from: worker, to: chunks, by: workers) { body(chunk) }
        }
    }
}

/// A buffer handed to parallel chunks that write disjoint parts of it (or only read it); the caller
/// keeps the storage alive until ``Parallel/forEach(chunks:threads:_:)`` returns.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!
        count = buffer.count
    }

    init(_ buffer: UnsafeBufferPointer<Element>) {
        base = UnsafeMutablePointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!)
        count = buffer.count
    }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
