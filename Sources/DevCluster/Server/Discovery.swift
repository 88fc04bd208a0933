import KubeAPI

/// The discovery documents kubectl reads to map kinds and short names to URLs.
enum Discovery {
    static let verbs: JSONValue = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// Groups in the order the real server lists them: core first, built-ins, then CRD groups by name.
    static func groups(_ resources: [ResourceInfo]) -> [(name: String, versions: [String])] {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        let builtins = resources.filter { $0.definedBy == nil }
        let custom = resources.filter { $0.definedBy != nil }.sorted { ($0.group, $0.version) < ($1.group, $1.version) }
        for r in builtins + custom where !r.group.isEmpty {
            if versions[r.group] == nil { order.append(r.group) }
            if !(versions[r.group]?.contains(r.version) ?? false) { versions[r.group, default: []].append(r.version) }
        }
        return order.map { ($0, versions[$0]!) }
    }

    static func apiVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    static func groupJSON(_ name: String, _ versions: [String]) -> JSONValue {
        let vs: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return ["name": .string(name), "versions": .array(vs), "preferredVersion": vs[0]]
    }

    static func groupList(_ resources: [ResourceInfo]) -> JSONValue {
        ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups(resources).map { groupJSON($0.name, $0.versions) })]
    }

    static func group(_ name: String, _ resources: [ResourceInfo]) -> JSONValue? {
        guard let g = groups(resources).first(where: { $0.name == name }) else { return nil }
        var json = groupJSON(g.name, g.versions)
        json["kind"] = "APIGroup"
        json["apiVersion"] = "v1"
        return json
    }

    static func resourceList(group: String, version: String, _ resources: [ResourceInfo]) -> JSONValue? {
        let inGV = resources.filter { $0.group == group && $0.version == version }
        if inGV.isEmpty { return nil }
        var list: [JSONValue] = []
        if group.isEmpty && version == "v1" {
            // Create-only, like the real server's: schedulers (and the dev pod runtime) bind pods through it.
            list.append(["name": "bindings", "singularName": "binding", "namespaced": true, "kind": "Binding", "verbs": ["create"]])
        }
        for r in inGV {
            var entry: JSONValue = [
                "name": .string(r.resource), "singularName": .string(r.singular), "namespaced": .bool(r.namespaced),
                "kind": .string(r.kind), "verbs": verbs,
            ]
            if !r.shortNames.isEmpty { entry["shortNames"] = .array(r.shortNames.map { .string($0) }) }
            if !r.categories.isEmpty { entry["categories"] = .array(r.categories.map { .string($0) }) }
            list.append(entry)
            list += subresources(of: r)
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(list),
        ]
    }

    /// A resource's subresources in name order, as the real server lists them. A Scale names its
    /// group and version: kubectl's scale client finds the Scale kind to send from them.
    static func subresources(of r: ResourceInfo) -> [JSONValue] {
        func entry(_ name: String, kind: String, verbs: JSONValue) -> JSONValue {
            [
                "name": .string(r.resource + "/" + name), "singularName": "", "namespaced": .bool(r.namespaced),
                "kind": .string(kind), "verbs": verbs,
            ]
        }
        var entries: [(String, JSONValue)] = []
        if r.hasStatusSubresource { entries.append(("status", entry("status", kind: r.kind, verbs: ["get", "patch", "update"]))) }
        if r.storageKey == "/pods" {
            entries.append(("binding", entry("binding", kind: "Binding", verbs: ["create"])))
            entries.append(("log", entry("log", kind: "Pod", verbs: ["get"])))
        }
        if ScaleSubresource.supports(r) {
            var scale = entry("scale", kind: "Scale", verbs: ["get", "patch", "update"])
            scale["group"] = "autoscaling"
            scale["version"] = "v1"
            entries.append(("scale", scale))
        }
        return entries.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func version() -> JSONValue {
        [
            "major": "1", "minor": "37", "emulationMajor": "1", "emulationMinor": "37",
            "gitVersion": "v1.37.0-trainyard-dev", "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean", "buildDate": "2026-11-01T00:00:00Z", "goVersion": "swift",
            "compiler": "swiftc", "platform": "linux/amd64",
        ]
    }
}
