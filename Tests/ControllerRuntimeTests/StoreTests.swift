import KubeAPI
import Testing

@testable import ControllerRuntime

@Suite("Store")
struct StoreTests {
    func map(_ name: String, version: String, owner: String? = nil) -> ConfigMap {
        ConfigMap(
            metadata: ObjectMeta(
                name: name, namespace: "ns", uid: "uid-\(name)", resourceVersion: version,
                ownerReferences: owner.map { [OwnerReference(apiVersion: "v1", kind: "Owner", name: $0, uid: "o", controller: true)] }))
    }

    @Test("a relist reports only real differences, and keeps copies of objects that did not decode")
    func replaceDiff() {
        let store = Store<ConfigMap>()
        _ = store.replace(with: [map("a", version: "1"), map("b", version: "1"), map("c", version: "1"), map("d", version: "1")])
        let diff = store.replace(
            with: [map("a", version: "1"), map("b", version: "2"), map("e", version: "3")], keeping: [ObjectKey("ns/d")])
        #expect(diff.added.map(\.metadata.name) == ["e"])
        #expect(diff.updated.map(\.new.metadata.name) == ["b"])
        #expect(diff.deleted.map(\.metadata.name) == ["c"], "d exists but did not decode: it is not deleted")
        #expect(store.get(ObjectKey("ns/d"))?.metadata.resourceVersion == "1")
        #expect(store.count == 4)
    }

    @Test("the owner index follows upserts, removals and relists")
    func ownerIndex() {
        let store = Store<ConfigMap>()
        store.addIndex("owner") { object in (object.metadata.ownerReferences ?? []).map { "\($0.kind)/\($0.name)" } }
        store.upsert(map("a", version: "1", owner: "x"))
        store.upsert(map("b", version: "1", owner: "x"))
        store.upsert(map("c", version: "1", owner: "y"))
        #expect(Set(store.byIndex("owner", "Owner/x").compactMap(\.metadata.name)) == ["a", "b"])
        store.upsert(map("b", version: "2", owner: "y"))
        store.remove(ObjectKey("ns/a"))
        #expect(store.byIndex("owner", "Owner/x").isEmpty)
        #expect(Set(store.byIndex("owner", "Owner/y").compactMap(\.metadata.name)) == ["b", "c"])
        _ = store.replace(with: [map("z", version: "9", owner: "x")])
        #expect(store.byIndex("owner", "Owner/x").map(\.metadata.name) == ["z"])
        #expect(store.byIndex("owner", "Owner/y").isEmpty)
    }
}
