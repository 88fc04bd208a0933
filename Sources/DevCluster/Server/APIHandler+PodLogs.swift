import Foundation
import KubeAPI

/// `GET /api/v1/namespaces/{ns}/pods/{name}/log`, served from the files a pod runtime writes
/// (see `PodLogFiles`) instead of from a kubelet.
///
/// What differs from a real cluster, because the files hold only the bytes the container wrote:
/// `timestamps=true` shows the lines without times (with a warning); `sinceSeconds`/`sinceTime`
/// show nothing of a file last written before the cutoff, and otherwise the whole file (with a
/// warning), since lines carry no times to filter by.
extension APIHandler {
    /// What a pod log request answers: an error, or the bytes to stream.
    enum PodLogAnswer: Sendable {
        case failure(APIError)
        case stream(PodLogStream)
    }

    func podLog(_ request: APIRequest, namespace: String, name: String) -> PodLogAnswer {
        do throws(APIError) {
            guard request.method == "GET" else { throw .methodNotAllowed(request.method) }
            return .stream(try podLogStream(request, namespace: namespace, name: name))
        } catch {
            return .failure(error)
        }
    }

    /// The pod and container a log request names, if `target` is one.
    static func podLogTarget(_ target: RequestInfo.Target) -> (namespace: String, name: String)? {
        guard case .resource("", "v1", "pods", let namespace?, let name?, "log") = target else { return nil }
        return (namespace, name)
    }

    private func podLogStream(_ request: APIRequest, namespace: String, name: String) throws(APIError) -> PodLogStream {
        let options = try PodLogOptions(query: request.query, podName: name)
        guard let pods = store.read({ $0.resource(group: "", version: "v1", name: "pods") }) else { throw .pathNotFound }
        guard let pod = store.read({ $0.get(pods, namespace: namespace, name: name) }) else { throw .notFound(pods, name: name) }
        let container = try PodLogSelection.container(options.container, pod: pod, podName: name)
        guard let root = podLogsDirectory else {
            throw .badRequest(
                "container \"\(container)\" in pod \"\(name)\" has no logs: this dev cluster runs without a pod runtime, so no container runs"
            )
        }
        let uid = pod[path: ["metadata", "uid"]]?.stringValue ?? ""
        let directory = PodLogFiles(root: root).containerDirectory(namespace: namespace, pod: name, uid: uid, container: container)
        let restartCount = try PodLogSelection.restartCount(
            pod: pod, podName: name, container: container, previous: options.previous,
            available: PodLogFiles.restartCounts(in: directory))
        let path = PodLogFiles.file(directory, restartCount: restartCount)
        let size = PodLogFiles.size(path)
        var start = options.tailLines.map { PodLogFiles.tailStart(path, lines: $0, end: size) } ?? 0
        var warnings: [String] = []
        if options.timestamps {
            warnings.append("the dev cluster does not record when each log line was written: the log is shown without timestamps")
        }
        if let cutoff = options.cutoff(now: Date()) {
            if let modified = PodLogFiles.modificationDate(path), modified < cutoff {
                start = size
            } else {
                warnings.append(
                    "the dev cluster does not record when each log line was written: lines older than the requested time are shown too")
            }
        }
        var stream = PodLogStream(path: path, start: start, end: size, limitBytes: options.limitBytes, warnings: warnings)
        // A previous attempt has ended: following it just reads it to the end.
        if options.follow && !options.previous {
            stream.end = nil
            let store = self.store
            stream.ended = {
                guard let current = store.read({ $0.get(pods, namespace: namespace, name: name) }),
                    current[path: ["metadata", "uid"]]?.stringValue == uid
                else { return true }
                return PodLogSelection.attemptEnded(
                    pod: current, container: container, restartCount: restartCount,
                    newestFile: PodLogFiles.restartCounts(in: directory).last)
            }
        }
        return stream
    }
}
