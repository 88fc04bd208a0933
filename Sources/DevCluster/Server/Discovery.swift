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
        for r in inGV {
            var entry: JSONValue = [
                "name": .string(r.resource), "singularName": .string(r.singular), "namespaced": .bool(r.namespaced),
                "kind": .string(r.kind), "verbs": verbs,
            ]
            if !r.shortNames.isEmpty { entry["shortNames"] = .array(r.shortNames.map { .string($0) }) }
            if !r.categories.isEmpty { entry["categories"] = .array(r.categories.map { .string($0) }) }
            list.append(entry)
            if r.hasStatusSubresource {
                list.append([
                    "name": .string(r.resource + "/status"), "singularName": "", "namespaced": .bool(r.namespaced),
                    "kind": .string(r.kind), "verbs": ["get", "patch", "update"],
                ])
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(list),
        ]
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
