import KubeAPI
import Logging

/// What a `Watcher` reports: the whole state after each (re)list, then changes one by one.
public enum WatcherEvent<Object: Sendable>: Sendable {
    /// The complete current set of objects, after the first list or a relist. Anything not in it
    /// is gone, even if no `deleted` event was seen for it, except the `undecodable` ones: they
    /// exist but could not be read as `Object`, so a cache should keep its last good copy.
    case restarted([Object], resourceVersion: String, undecodable: Set<ObjectKey>)
    case added(Object)
    case modified(Object)
    case deleted(Object)
}

/// How a `Watcher` lists, watches and recovers.
public struct WatcherConfiguration: Sendable {
    public var listOptions: ListOptions
    public var pageSize: Int
    /// Each watch request asks the server to end it after a random time in this range, so that
    /// many watchers do not reconnect together (client-go uses 5–10 minutes).
    public var watchTimeoutSeconds: ClosedRange<Int>
    /// Back-off after failures to list or watch, reset by the first success.
    public var backoff: Backoff
    /// Resume from a version the caller already has (no first list); if the server no longer
    /// has it, the watcher relists as usual.
    public var startResourceVersion: String?

    public init(
        listOptions: ListOptions = ListOptions(), pageSize: Int = 500, watchTimeoutSeconds: ClosedRange<Int> = 300...600,
        backoff: Backoff = Backoff(base: .milliseconds(200), cap: .seconds(30), jitter: 0.5),
        startResourceVersion: String? = nil
    ) {
        self.startResourceVersion = startResourceVersion
        self.listOptions = listOptions
        self.pageSize = pageSize
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.backoff = backoff
    }
}

/// A watch that never gives up: it lists, then watches from the list's resourceVersion, follows
/// BOOKMARKs, resumes where it left off when a stream ends or breaks, and relists when the
/// server says the version has expired (410). Failures are logged and retried with back-off; the
/// sequence ends only when its task is cancelled.
public struct Watcher<Object: KubernetesObject>: AsyncSequence, Sendable {
    public typealias Element = WatcherEvent<Object>
    let client: KubeClient
    let type: ResourceType
    let namespace: String?
    let configuration: WatcherConfiguration

    public func makeAsyncIterator() -> Iterator {
        Iterator(watcher: self)
    }

    /// Drives the list/watch state machine.
    public struct Iterator: AsyncIteratorProtocol {
        let watcher: Watcher
        var resourceVersion: String?
        var stream: WatchStream.Iterator?
        var failures = 0
        /// When the current stream opened and how many events it brought, to spot streams that
        /// the server (or a proxy) closes at once, which must not be reopened in a tight loop.
        var streamOpened = ContinuousClock.now
        var streamEvents = 0

        init(watcher: Watcher) {
            self.watcher = watcher
            self.resourceVersion = watcher.configuration.startResourceVersion
        }

        var logger: Logger { watcher.client.logger }

        public mutating func next() async throws -> WatcherEvent<Object>? {
            let client = watcher.client
            let type = watcher.type
            while !Task.isCancelled {
                guard let version = resourceVersion else {
                    do {
                        let list = try await client.listAllDecoded(
                            Object.self, type: type, namespace: watcher.namespace, options: watcher.configuration.listOptions,
                            pageSize: watcher.configuration.pageSize)
                        resourceVersion = list.resourceVersion
                        failures = 0
                        return .restarted(list.items, resourceVersion: list.resourceVersion, undecodable: list.undecodable)
                    } catch {
                        await fail("list", error)
                        continue
                    }
                }
                if stream == nil {
                    var options = watcher.configuration.listOptions
                    options.resourceVersion = version
                    options.timeoutSeconds = Int.random(in: watcher.configuration.watchTimeoutSeconds)
                    do {
                        stream = try await client.watch(type, namespace: watcher.namespace, options: options).makeAsyncIterator()
                        streamOpened = .now
                        streamEvents = 0
                    } catch let error as KubeError where error.isGone {
                        expired()
                        continue
                    } catch {
                        await fail("watch", error)
                        continue
                    }
                }
                do {
                    guard let event = try await stream?.next() else {
                        stream = nil
                        if streamEvents == 0 && ContinuousClock.now - streamOpened < .seconds(1) {
                            await fail("watch", KubeError(code: .transport, message: "very short watch: closed at once with no events"))
                        } else {
                            client.observer?.watchRestarted(resource: type.description, reason: "closed")
                        }
                        continue
                    }
                    failures = 0
                    streamEvents += 1
                    if let version = event.resourceVersion, !version.isEmpty { resourceVersion = version }
                    switch event.type {
                    case .bookmark, .error: continue
                    case .added: if let object = decode(event.object) { return .added(object) }
                    case .modified: if let object = decode(event.object) { return .modified(object) }
                    case .deleted: if let object = decode(event.object) { return .deleted(object) }
                    }
                } catch let error as KubeError where error.isGone {
                    expired()
                } catch {
                    stream = nil
                    await fail("watch", error)
                }
            }
            return nil
        }

        private mutating func expired() {
            logger.info(
                "watch resourceVersion expired; relisting",
                metadata: ["resource": "\(watcher.type)", "resourceVersion": "\(resourceVersion ?? "")"])
            watcher.client.observer?.watchRestarted(resource: watcher.type.description, reason: "expired")
            stream = nil
            resourceVersion = nil
        }

        private mutating func fail(_ phase: String, _ error: any Error) async {
            if Task.isCancelled { return }
            let delay = watcher.configuration.backoff.delay(attempt: failures)
            failures += 1
            if phase == "watch" { watcher.client.observer?.watchRestarted(resource: watcher.type.description, reason: "error") }
            logger.warning(
                "\(phase) failed; retrying",
                metadata: ["resource": "\(watcher.type)", "error": "\(error)", "delay": "\(delay)", "failures": "\(failures)"])
            try? await Task.sleep(for: delay)
        }

        private func decode(_ json: JSONValue) -> Object? {
            do {
                return try watcher.client.decode(Object.self, json)
            } catch {
                logger.error(
                    "skipping an object that does not decode",
                    metadata: [
                        "resource": "\(watcher.type)", "name": "\(json[path: ["metadata", "name"]]?.stringValue ?? "?")",
                        "error": "\(error)",
                    ])
                return nil
            }
        }
    }
}

extension KubeClient {
    /// A list-then-watch of `type` that survives disconnects and expired versions.
    public func watcher<Object: KubernetesObject>(
        _: Object.Type, type: ResourceType, namespace: String?, configuration: WatcherConfiguration = WatcherConfiguration()
    ) -> Watcher<Object> {
        Watcher(client: self, type: type, namespace: namespace, configuration: configuration)
    }

    public func watcher<Object: KubernetesResource>(
        _: Object.Type, namespace: String?, configuration: WatcherConfiguration = WatcherConfiguration()
    ) -> Watcher<Object> {
        Watcher(client: self, type: Object.resourceType, namespace: namespace, configuration: configuration)
    }
}
