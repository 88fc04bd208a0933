import Foundation
import KubeAPI

/// Why a container cannot start; the reason is the container's waiting reason, as the kubelet
/// reports it (`CreateContainerConfigError` for a missing Secret key, ...).
public struct LaunchError: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public var message: String
    /// Whether trying again later may succeed (a Secret or ConfigMap may still be created).
    public var retryable: Bool
    public var description: String { "\(reason): \(message)" }

    static func config(_ message: String) -> LaunchError {
        LaunchError(reason: "CreateContainerConfigError", message: message, retryable: true)
    }
}

/// The Secrets and ConfigMaps a pod refers to, fetched before its containers start.
public struct PodReferences: Sendable, Equatable {
    public var secrets: [String: [String: [UInt8]]] = [:]
    public var configMaps: [String: [String: [UInt8]]] = [:]
    public init() {}

    /// The names of the Secrets and ConfigMaps `pod` mentions (env, envFrom, volumes).
    public static func names(in pod: JSONValue) -> (secrets: Set<String>, configMaps: Set<String>) {
        var secrets = Set<String>()
        var configMaps = Set<String>()
        let spec = pod["spec"]
        for container in (spec?["containers"]?.arrayValue ?? []) + (spec?["initContainers"]?.arrayValue ?? []) {
            for env in container["env"]?.arrayValue ?? [] {
                if let name = env[path: ["valueFrom", "secretKeyRef", "name"]]?.stringValue { secrets.insert(name) }
                if let name = env[path: ["valueFrom", "configMapKeyRef", "name"]]?.stringValue { configMaps.insert(name) }
            }
            for source in container["envFrom"]?.arrayValue ?? [] {
                if let name = source[path: ["secretRef", "name"]]?.stringValue { secrets.insert(name) }
                if let name = source[path: ["configMapRef", "name"]]?.stringValue { configMaps.insert(name) }
            }
        }
        for volume in spec?["volumes"]?.arrayValue ?? [] {
            if let name = volume[path: ["secret", "secretName"]]?.stringValue { secrets.insert(name) }
            if let name = volume[path: ["configMap", "name"]]?.stringValue { configMaps.insert(name) }
        }
        return (secrets, configMaps)
    }
}

/// Where a pod's files live on this machine.
public struct PodDirectories: Sendable, Equatable {
    /// The pod's own directory: volumes, scratch space, termination messages.
    public var pod: String
    /// Persistent volume claims and host paths live under here, so they outlive the pod.
    public var state: String

    public init(pod: String, state: String) {
        self.pod = pod
        self.state = state
    }

    func volume(_ name: String) -> String { pod + "/volumes/" + name }
    func terminationMessage(_ container: String) -> String { pod + "/containers/" + container + "/termination-log" }
}

/// How one container runs as a local process: the `trainyard` binary with the container's
/// arguments, its environment resolved as the kubelet resolves it (`value` with `$(VAR)`
/// expansion, `valueFrom`, `envFrom`), and its volume mount paths mapped to local directories.
/// Paths in arguments and environment values that start with a mount path are rewritten to the
/// local directory, since the process sees this machine's file system, not the container's.
public struct LaunchPlan: Sendable, Equatable {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String
    public var terminationMessageFile: String
    /// Container mount path -> local directory, longest first.
    public var mounts: [(path: String, local: String)]
    /// Files to write before the start (configMap and secret volumes): local path -> contents.
    public var files: [String: [UInt8]]
    /// Directories to create before the start.
    public var directories: [String]

    public static func == (a: LaunchPlan, b: LaunchPlan) -> Bool {
        a.executable == b.executable && a.arguments == b.arguments && a.environment == b.environment
            && a.workingDirectory == b.workingDirectory && a.terminationMessageFile == b.terminationMessageFile
            && a.mounts.map(\.path) == b.mounts.map(\.path) && a.mounts.map(\.local) == b.mounts.map(\.local) && a.files == b.files
            && a.directories == b.directories
    }

    /// The plan for container `name` of `pod`. `ports` maps container ports to the local ports
    /// the runtime gave them; the first is also passed as `PORT`.
    public static func make(
        pod: JSONValue, container name: String, configuration: PodRuntimeConfiguration, directories: PodDirectories,
        references: PodReferences, ports: [Int: Int]
    ) throws(LaunchError) -> LaunchPlan {
        let spec = pod["spec"] ?? .object([:])
        guard let container = (spec["containers"]?.arrayValue ?? []).first(where: { $0["name"]?.stringValue == name }) else {
            throw LaunchError(reason: "RunContainerError", message: "no container \(name) in the pod", retryable: false)
        }
        let image = container["image"]?.stringValue ?? ""
        guard configuration.runs(image: image) else {
            throw LaunchError(
                reason: "ImageNotSupported",
                message:
                    "the dev cluster runs only the Trainyard image (\(configuration.trainyardImage)), as the locally built trainyard binary; image \"\(image)\" cannot run here",
                retryable: false)
        }

        // Volumes and mounts.
        var files: [String: [UInt8]] = [:]
        var dirs = [directories.pod + "/tmp", directories.pod + "/containers/" + name]
        var volumeDirectories: [String: String] = [:]
        for volume in spec["volumes"]?.arrayValue ?? [] {
            guard let volumeName = volume["name"]?.stringValue else { continue }
            let local: String
            if volume["emptyDir"] != nil {
                local = directories.volume(volumeName)
            } else if let claim = volume[path: ["persistentVolumeClaim", "claimName"]]?.stringValue {
                local = directories.state + "/volumes/" + (pod[path: ["metadata", "namespace"]]?.stringValue ?? "default") + "/" + claim
            } else if let path = volume[path: ["hostPath", "path"]]?.stringValue {
                local = directories.state + "/hostpath" + (path.hasPrefix("/") ? path : "/" + path)
            } else if let secret = volume[path: ["secret", "secretName"]]?.stringValue {
                local = directories.volume(volumeName)
                let optional = volume[path: ["secret", "optional"]]?.boolValue ?? false
                guard let data = references.secrets[secret] else {
                    if optional { break }
                    throw .config("secret \"\(secret)\" not found (volume \(volumeName))")
                }
                try project(data, items: volume[path: ["secret", "items"]], into: local, kind: "secret", source: secret, files: &files)
            } else if let configMap = volume[path: ["configMap", "name"]]?.stringValue {
                local = directories.volume(volumeName)
                let optional = volume[path: ["configMap", "optional"]]?.boolValue ?? false
                guard let data = references.configMaps[configMap] else {
                    if optional { break }
                    throw .config("configmap \"\(configMap)\" not found (volume \(volumeName))")
                }
                try project(
                    data, items: volume[path: ["configMap", "items"]], into: local, kind: "configmap", source: configMap, files: &files)
            } else {
                throw LaunchError(
                    reason: "CreateContainerConfigError",
                    message:
                        "volume \(volumeName): the dev cluster supports emptyDir, configMap, secret, persistentVolumeClaim and hostPath volumes",
                    retryable: false)
            }
            volumeDirectories[volumeName] = local
            dirs.append(local)
        }
        var mounts: [(path: String, local: String)] = []
        for mount in container["volumeMounts"]?.arrayValue ?? [] {
            guard let volume = mount["name"]?.stringValue, let path = mount["mountPath"]?.stringValue else { continue }
            guard var local = volumeDirectories[volume] else {
                throw LaunchError(
                    reason: "CreateContainerConfigError", message: "volumeMounts: volume \"\(volume)\" is not defined in the pod",
                    retryable: false)
            }
            if let sub = mount["subPath"]?.stringValue, !sub.isEmpty {
                local += "/" + sub
                dirs.append(local)
            }
            mounts.append((trimSlash(path), local))
        }
        // Files the image carries (its sample datasets), where no volume covers them.
        for (path, local) in configuration.imagePaths where !mounts.contains(where: { $0.path == trimSlash(path) }) {
            mounts.append((trimSlash(path), local))
        }
        mounts.sort { $0.path.count > $1.path.count }
        let terminationFile = directories.terminationMessage(name)
        let mapPath: (String) -> String = { text in
            for mount in mounts where text == mount.path || text.hasPrefix(mount.path + "/") {
                return mount.local + text.dropFirst(mount.path.count)
            }
            if text == container["terminationMessagePath"]?.stringValue ?? "/dev/termination-log" { return terminationFile }
            return text
        }

        // Environment, in the kubelet's order: envFrom, then env (later wins), with $(VAR) expansion.
        let podIP = "127.0.0.1"
        var environment: [String: String] = [:]
        for source in container["envFrom"]?.arrayValue ?? [] {
            let prefix = source["prefix"]?.stringValue ?? ""
            if let secret = source[path: ["secretRef", "name"]]?.stringValue {
                guard let data = references.secrets[secret] else {
                    if source[path: ["secretRef", "optional"]]?.boolValue == true { continue }
                    throw .config("secret \"\(secret)\" not found (envFrom)")
                }
                for (key, value) in data { environment[prefix + key] = String(decoding: value, as: UTF8.self) }
            }
            if let configMap = source[path: ["configMapRef", "name"]]?.stringValue {
                guard let data = references.configMaps[configMap] else {
                    if source[path: ["configMapRef", "optional"]]?.boolValue == true { continue }
                    throw .config("configmap \"\(configMap)\" not found (envFrom)")
                }
                for (key, value) in data { environment[prefix + key] = String(decoding: value, as: UTF8.self) }
            }
        }
        for variable in container["env"]?.arrayValue ?? [] {
            guard let key = variable["name"]?.stringValue else { continue }
            if let from = variable["valueFrom"] {
                if let ref = from["secretKeyRef"] {
                    let secret = ref["name"]?.stringValue ?? ""
                    let item = ref["key"]?.stringValue ?? ""
                    guard let value = references.secrets[secret]?[item] else {
                        if ref["optional"]?.boolValue == true { continue }
                        throw .config(
                            references.secrets[secret] == nil
                                ? "secret \"\(secret)\" not found (env \(key))"
                                : "couldn't find key \(item) in Secret \(secret) (env \(key))")
                    }
                    environment[key] = String(decoding: value, as: UTF8.self)
                } else if let ref = from["configMapKeyRef"] {
                    let configMap = ref["name"]?.stringValue ?? ""
                    let item = ref["key"]?.stringValue ?? ""
                    guard let value = references.configMaps[configMap]?[item] else {
                        if ref["optional"]?.boolValue == true { continue }
                        throw .config(
                            references.configMaps[configMap] == nil
                                ? "configmap \"\(configMap)\" not found (env \(key))"
                                : "couldn't find key \(item) in ConfigMap \(configMap) (env \(key))")
                    }
                    environment[key] = String(decoding: value, as: UTF8.self)
                } else if let path = from[path: ["fieldRef", "fieldPath"]]?.stringValue {
                    environment[key] = try fieldValue(pod, path, podIP: podIP, nodeName: configuration.nodeName)
                } else {
                    throw LaunchError(
                        reason: "CreateContainerConfigError",
                        message: "env \(key): the dev cluster resolves value, secretKeyRef, configMapKeyRef and fieldRef", retryable: false)
                }
            } else {
                environment[key] = mapPath(expand(variable["value"]?.stringValue ?? "", environment))
            }
        }
        let sortedPorts = (container["ports"]?.arrayValue ?? []).compactMap { $0["containerPort"]?.intValue.map(Int.init) }
        if let first = sortedPorts.first, let local = ports[first], environment["PORT"] == nil { environment["PORT"] = String(local) }
        var base = [
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": directories.pod + "/tmp",
            "TMPDIR": directories.pod + "/tmp", "HOSTNAME": pod[path: ["metadata", "name"]]?.stringValue ?? "",
            "TRAINYARD_TERMINATION_MESSAGE_PATH": terminationFile,
        ]
        for (key, value) in environment { base[key] = value }
        environment = base

        // Command: the image's entrypoint is trainyard; a command naming trainyard runs it too.
        let command = (container["command"]?.arrayValue ?? []).compactMap(\.stringValue).map { expand($0, environment) }
        let args = (container["args"]?.arrayValue ?? []).compactMap(\.stringValue).map { expand($0, environment) }
        var arguments: [String]
        if let first = command.first {
            guard (first as NSString).lastPathComponent == "trainyard" else {
                throw LaunchError(
                    reason: "RunContainerError",
                    message: "the dev cluster runs only the trainyard binary; command \"\(first)\" is not trainyard", retryable: false)
            }
            arguments = Array(command.dropFirst()) + args
        } else {
            arguments = args
        }
        arguments = arguments.map(mapPath)
        let workingDirectory = container["workingDir"]?.stringValue.map(mapPath) ?? directories.pod + "/tmp"
        return LaunchPlan(
            executable: configuration.binaryPath, arguments: arguments, environment: environment,
            workingDirectory: workingDirectory, terminationMessageFile: terminationFile, mounts: mounts, files: files,
            directories: dirs)
    }

    /// `$(NAME)` is replaced by NAME's value when it is defined; `$$` is a literal `$`; anything
    /// else stays as written (Kubernetes' expansion rules).
    static func expand(_ text: String, _ environment: [String: String]) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "$", next < text.endIndex {
                if text[next] == "$" {
                    out.append("$")
                    i = text.index(after: next)
                    continue
                }
                if text[next] == "(", let close = text[next...].firstIndex(of: ")") {
                    let name = String(text[text.index(after: next)..<close])
                    if let value = environment[name] {
                        out += value
                    } else {
                        out += text[i...close]
                    }
                    i = text.index(after: close)
                    continue
                }
            }
            out.append(c)
            i = next
        }
        return out
    }

    private static func fieldValue(_ pod: JSONValue, _ path: String, podIP: String, nodeName: String) throws(LaunchError) -> String {
        switch path {
        case "metadata.name", "metadata.namespace", "metadata.uid":
            return pod[path: ["metadata", String(path.dropFirst("metadata.".count))]]?.stringValue ?? ""
        case "status.podIP", "status.hostIP": return podIP
        case "status.podIPs": return podIP
        case "spec.nodeName": return nodeName
        case "spec.serviceAccountName": return pod[path: ["spec", "serviceAccountName"]]?.stringValue ?? "default"
        default:
            for field in ["labels", "annotations"] where path.hasPrefix("metadata.\(field)['") && path.hasSuffix("']") {
                let key = String(path.dropFirst("metadata.\(field)['".count).dropLast(2))
                return pod[path: ["metadata", field, key]]?.stringValue ?? ""
            }
            throw LaunchError(
                reason: "CreateContainerConfigError",
                message:
                    "fieldRef \(path): the dev cluster resolves metadata.name, metadata.namespace, metadata.uid, metadata.labels['...'], metadata.annotations['...'], spec.nodeName, spec.serviceAccountName and status.podIP",
                retryable: false)
        }
    }

    private static func project(
        _ data: [String: [UInt8]], items: JSONValue?, into directory: String, kind: String, source: String, files: inout [String: [UInt8]]
    ) throws(LaunchError) {
        if let items = items?.arrayValue, !items.isEmpty {
            for item in items {
                let key = item["key"]?.stringValue ?? ""
                guard let value = data[key] else { throw .config("couldn't find key \(key) in \(kind) \(source)") }
                files[directory + "/" + (item["path"]?.stringValue ?? key)] = value
            }
        } else {
            for (key, value) in data { files[directory + "/" + key] = value }
        }
    }

    private static func trimSlash(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
