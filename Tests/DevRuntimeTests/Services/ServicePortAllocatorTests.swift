import DevRuntime
import Foundation
import KubeAPI
import NIOCore
import NIOPosix
import Testing

@Suite("ServicePortAllocator")
struct ServicePortAllocatorTests {
    let web = ServicePortAllocator.Key(namespace: "default", service: "web", port: "http")
    let api = ServicePortAllocator.Key(namespace: "default", service: "api", port: "8080")
    let metrics = ServicePortAllocator.Key(namespace: "default", service: "web", port: "metrics")

    @Test("a key gets the same port again, also from a new allocator reading the same state")
    func stableAcrossRestarts() async throws {
        try await withStateDirectory { directory in
            let first = try ServicePortAllocator(stateDirectory: directory)
            let port = try await first.port(for: web)
            #expect(ServicePortAllocator.defaultRange.contains(port))
            #expect(try await first.port(for: web) == port)
            let other = try await first.port(for: api)
            #expect(other != port)

            let restarted = try ServicePortAllocator(stateDirectory: directory)
            #expect(await restarted.allocations == [web: port, api: other])
            #expect(try await restarted.port(for: web) == port)
            #expect(try await restarted.port(for: api) == other)

            let state = try JSONValue.parse(String(decoding: Data(contentsOf: first.stateFile), as: UTF8.self))
            let saved = state["allocations"]?.arrayValue?.compactMap { $0["hostPort"]?.intValue }
            #expect(saved?.sorted() == [Int64(port), Int64(other)].sorted())
        }
    }

    @Test("a free port derived from the key is used first")
    func derivedPortFirst() async throws {
        try await withStateDirectory { directory in
            let allocator = try ServicePortAllocator(stateDirectory: directory, isPortFree: { _ in true })
            let port = try await allocator.port(for: web)
            #expect(port == ServicePortAllocator.preferredPort(for: web, in: ServicePortAllocator.defaultRange))
            #expect(
                ServicePortAllocator.preferredPort(for: web, in: 30000...32767)
                    != ServicePortAllocator.preferredPort(for: api, in: 30000...32767))
        }
    }

    @Test("when the derived port is in use, another free port is allocated")
    func occupiedDerivedPort() async throws {
        // A key of its own, so no other test probes the same port meanwhile.
        let key = ServicePortAllocator.Key(namespace: "default", service: "occupied-\(UUID().uuidString)", port: "http")
        let preferred = ServicePortAllocator.preferredPort(for: key, in: ServicePortAllocator.defaultRange)
        // If something else already listens there, the port is just as occupied.
        let squatter = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: preferred).get()
        try await withStateDirectory { directory in
            let allocator = try ServicePortAllocator(stateDirectory: directory)
            let port = try await allocator.port(for: key)
            #expect(port != preferred)
            #expect(ServicePortAllocator.defaultRange.contains(port))
            #expect(await ServicePortAllocator.isLoopbackPortFree(port))
        }
        try await squatter?.close()
    }

    @Test("the default probe tells a port with a listener from a free one")
    func probe() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        #expect(await ServicePortAllocator.isLoopbackPortFree(port) == false)
        try await listener.close()
        #expect(await ServicePortAllocator.isLoopbackPortFree(port))
    }

    @Test("ports held by other keys are not handed out twice; a full range is an error")
    func exhaustion() async throws {
        try await withStateDirectory { directory in
            let allocator = try ServicePortAllocator(stateDirectory: directory, range: 40000...40001, isPortFree: { _ in true })
            let first = try await allocator.port(for: web)
            let second = try await allocator.port(for: api)
            #expect(Set([first, second]) == [40000, 40001])
            let error = await #expect(throws: ServicePortAllocatorError.self) {
                try await allocator.port(for: metrics)
            }
            #expect(error?.code == .rangeExhausted)
            #expect(error?.description.contains("default/web/metrics") == true)
        }
    }

    @Test("released ports can be handed out again, and the release is saved")
    func release() async throws {
        try await withStateDirectory { directory in
            let allocator = try ServicePortAllocator(stateDirectory: directory, range: 40000...40000, isPortFree: { _ in true })
            #expect(try await allocator.port(for: web) == 40000)
            await #expect(throws: ServicePortAllocatorError.self) { try await allocator.port(for: api) }

            try await allocator.release(web)
            #expect(try await allocator.port(for: api) == 40000)

            let restarted = try ServicePortAllocator(stateDirectory: directory, range: 40000...40000, isPortFree: { _ in true })
            #expect(await restarted.allocations == [api: 40000])
        }
    }

    @Test("deleting a Service releases all of its ports")
    func releaseService() async throws {
        try await withStateDirectory { directory in
            let allocator = try ServicePortAllocator(stateDirectory: directory, isPortFree: { _ in true })
            _ = try await allocator.port(for: web)
            _ = try await allocator.port(for: metrics)
            let apiPort = try await allocator.port(for: api)
            let released = try await allocator.releaseService(namespace: "default", name: "web")
            #expect(released == [web, metrics])
            #expect(await allocator.allocations == [api: apiPort])
            #expect(try await ServicePortAllocator(stateDirectory: directory).allocations == [api: apiPort])

            try await allocator.retainOnly([])
            #expect(await allocator.allocations.isEmpty)
        }
    }

    @Test("reassign moves a key off a port that turned out to be taken")
    func reassign() async throws {
        try await withStateDirectory { directory in
            let allocator = try ServicePortAllocator(stateDirectory: directory, range: 40000...40009, isPortFree: { _ in true })
            let old = try await allocator.port(for: web)
            let new = try await allocator.reassign(web)
            #expect(new != old)
            #expect(try await allocator.port(for: web) == new)
            #expect(try await ServicePortAllocator(stateDirectory: directory, range: 40000...40009).allocations == [web: new])
        }
    }

    @Test("an unreadable state file is reported with its path")
    func corruptState() async throws {
        try await withStateDirectory { directory in
            let file = directory.appendingPathComponent(ServicePortAllocator.stateFileName)
            try Data("{ not json".utf8).write(to: file)
            let error = #expect(throws: ServicePortAllocatorError.self) {
                try ServicePortAllocator(stateDirectory: directory)
            }
            #expect(error?.code == .stateFileUnreadable)
            #expect(error?.description.contains(file.path) == true)
        }
    }

    private func withStateDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("trainyard-service-ports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }
}
