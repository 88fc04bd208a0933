import KubeAPI

/// Watches: where a watch starts, and the plan the HTTP layer streams from.
extension APIHandler {
    func watch(_ request: APIRequest, _ r: ResourceInfo, namespace: String?, name: String?) throws(APIError) -> APIResponse {
        let selection = try selection(request, r, name: name)
        let query = request.query
        let rv = query["resourceVersion"] ?? ""
        let start: ClusterStore.WatchStart
        if query["sendInitialEvents"] == "true" {
            guard query["allowWatchBookmarks"] == "true" else {
                throw APIError(
                    code: 422, reason: "Invalid",
                    message:
                        "ListOptions.meta.k8s.io \"\" is invalid: allowWatchBookmarks: Required value: allowWatchBookmarks must be set to true when sendInitialEvents is set"
                )
            }
            start = .initialEventsThenBookmark
        } else if rv.isEmpty || rv == "0" {
            start = .currentState
        } else {
            guard let version = Int64(rv), version >= 0 else {
                throw .badRequest("resourceVersion: Invalid value: \"\(rv)\": must be an integer")
            }
            start = .after(version)
        }
        var timeout: Duration = .seconds(1800)
        if let t = query["timeoutSeconds"], let seconds = Int(t), seconds > 0 { timeout = .seconds(seconds) }
        let ns = r.namespaced ? namespace : nil
        let registration: WatchRegistration
        do {
            registration = try store.watch(resource: r, namespace: ns, start: start, filter: { selection.matches($0) })
        } catch {
            guard error.code == 410 else { throw error }
            // Too old: the real server answers 200 and sends one ERROR event with the 410 Status.
            let (stream, continuation) = AsyncStream<WatchMessage>.makeStream()
            continuation.yield(.event(type: "ERROR", object: error.status))
            continuation.yield(.end)
            continuation.finish()
            return .watch(
                WatchPlan(
                    stream: stream, cancel: {}, requestBookmark: {}, resource: r, representation: .object,
                    includeObject: "Object", bookmarks: false, bookmarkInterval: bookmarkInterval, timeout: timeout))
        }
        return .watch(
            WatchPlan(
                stream: registration.stream, cancel: registration.cancel, requestBookmark: registration.requestBookmark,
                resource: r, representation: request.representation, includeObject: query["includeObject"] ?? "Metadata",
                bookmarks: query["allowWatchBookmarks"] == "true", bookmarkInterval: bookmarkInterval, timeout: timeout))
    }
}
