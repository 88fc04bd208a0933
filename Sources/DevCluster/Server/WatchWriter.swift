import Foundation
import Hummingbird
import KubeAPI
import NIOCore

/// Streams a watch as newline-delimited JSON events over a chunked response, with bookmarks on a
/// timer and an end after `timeoutSeconds`, as the real server's watch handler does.
struct WatchWriter: Sendable {
    let plan: WatchPlan

    /// The response body. With the request, the watch also ends as soon as the client goes away,
    /// not only at its next write.
    func body(request: Request? = nil) -> ResponseBody {
        let plan = self.plan
        return ResponseBody { writer in
            if let request {
                try await request.body.consumeWithInboundCloseHandler { _ in
                    try await pump(into: &writer)
                } onInboundClosed: {
                    plan.cancel()
                }
            } else {
                try await pump(into: &writer)
            }
            try await writer.finish(nil)
        }
    }

    private func pump(into writer: inout any ResponseBodyWriter) async throws {
        let plan = self.plan
        let timers = Task {
            var elapsed: Duration = .zero
            while !Task.isCancelled && elapsed < plan.timeout {
                let step = plan.bookmarks ? min(plan.bookmarkInterval, plan.timeout - elapsed) : plan.timeout - elapsed
                try? await Task.sleep(for: step)
                elapsed += step
                if Task.isCancelled { return }
                if elapsed >= plan.timeout { break }
                plan.requestBookmark()
            }
            plan.cancel()
        }
        defer {
            timers.cancel()
            plan.cancel()
        }
        loop: for await message in plan.stream {
            let line: JSONValue
            switch message {
            case .end:
                break loop
            case .event(let type, let object):
                line = ["type": .string(type), "object": represent(object, type: type)]
            case .bookmark(let version, let initialEnd):
                if !plan.bookmarks && !initialEnd { continue }
                var metadata: JSONValue = ["resourceVersion": .string(String(version))]
                if initialEnd { metadata["annotations"] = ["k8s.io/initial-events-end": "true"] }
                line = [
                    "type": "BOOKMARK",
                    "object": [
                        "kind": .string(plan.resource.kind), "apiVersion": .string(plan.resource.groupVersion), "metadata": metadata,
                    ],
                ]
            }
            try await writer.write(ByteBuffer(string: line.serialized() + "\n"))
        }
    }

    private func represent(_ object: JSONValue, type: String) -> JSONValue {
        if type == "ERROR" { return object }
        return plan.representation.render(object, resource: plan.resource, includeObject: plan.includeObject)
    }
}
