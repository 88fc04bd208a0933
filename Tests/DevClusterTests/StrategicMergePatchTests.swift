import KubeAPI
import Testing

@testable import DevCluster

struct StrategicMergePatchTests {
    private func apply(_ kind: String, _ patch: String, to target: String) throws -> JSONValue {
        try StrategicMergePatch(kind: kind).apply(try JSONValue.parse(patch), to: try JSONValue.parse(target))
    }

    private static let deployment = #"""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"default","labels":{"app":"web"},"finalizers":["a.example/x","b.example/y"]},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[
             {"name":"web","image":"nginx:1.25","ports":[{"containerPort":80,"protocol":"TCP"}],
              "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"args":["--a","--b"]},
             {"name":"sidecar","image":"busybox","env":[{"name":"S","value":"s"}]}],
            "tolerations":[{"key":"k1","operator":"Exists"},{"key":"k2","operator":"Exists"}]}}}}
        """#

    private func containers(_ object: JSONValue) -> [JSONValue] {
        object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
    }

    @Test func containersMergeByNameAndKeepTheOthers() throws {
        let result = try apply(
            "Pod", #"{"spec":{"containers":[{"name":"b","image":"z"}]}}"#,
            to: #"{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y","args":["-v"]}]}}"#)
        #expect(result[path: ["spec", "containers"]] == [["name": "a", "image": "x"], ["name": "b", "image": "z", "args": ["-v"]]])
    }

    @Test func aNewContainerGoesBeforeTheLiveOnesAsTheServerPlacesIt() throws {
        let result = try apply(
            "Pod", #"{"spec":{"containers":[{"name":"c","image":"w"}]}}"#,
            to: #"{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}"#)
        let names = result[path: ["spec", "containers"]]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["c", "a", "b"])
    }

    @Test func envOfOneContainerMergesByName() throws {
        let patch =
            #"{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"B","value":"two"},{"name":"C","value":"3"}]}]}}}}"#
        let result = try apply("Deployment", patch, to: Self.deployment)
        let web = containers(result)[0]
        #expect(web["env"] == [["name": "A", "value": "1"], ["name": "B", "value": "two"], ["name": "C", "value": "3"]])
        #expect(web["image"] == "nginx:1.25")
        #expect(containers(result)[1]["env"] == [["name": "S", "value": "s"]])
    }

    @Test func patchDeleteRemovesOneListElement() throws {
        let patch = #"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}"#
        let result = try apply("Deployment", patch, to: Self.deployment)
        #expect(containers(result).compactMap { $0["name"]?.stringValue } == ["web"])
    }

    @Test func setElementOrderReordersTheMergedList() throws {
        let patch = #"""
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"web"}],
              "containers":[{"name":"web","image":"nginx:1.26"}]}}}}
            """#
        let result = try apply("Deployment", patch, to: Self.deployment)
        #expect(containers(result).compactMap { $0["name"]?.stringValue } == ["sidecar", "web"])
        #expect(containers(result)[1]["image"] == "nginx:1.26")
    }

    @Test func deleteFromPrimitiveListDropsFinalizers() throws {
        let result = try apply("Deployment", #"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a.example/x"]}}"#, to: Self.deployment)
        #expect(result[path: ["metadata", "finalizers"]] == ["b.example/y"])
    }

    @Test func finalizersMergeAsASet() throws {
        let result = try apply("Deployment", #"{"metadata":{"finalizers":["b.example/y","c.example/z"]}}"#, to: Self.deployment)
        #expect(result[path: ["metadata", "finalizers"]] == ["a.example/x", "b.example/y", "c.example/z"])
    }

    @Test func patchReplaceOnAMapDropsUnmentionedKeys() throws {
        let result = try apply("Deployment", #"{"metadata":{"labels":{"$patch":"replace","tier":"fe"}}}"#, to: Self.deployment)
        #expect(result[path: ["metadata", "labels"]] == ["tier": "fe"])
        #expect(result[path: ["metadata", "name"]] == "web")
    }

    @Test func patchReplaceInAListReplacesTheWholeList() throws {
        let patch = #"{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"i"}]}}}}"#
        let result = try apply("Deployment", patch, to: Self.deployment)
        #expect(containers(result) == [["name": "only", "image": "i"]])
    }

    @Test func listsWithoutAMergeKeyAreReplacedWhole() throws {
        let patch = #"""
            {"spec":{"template":{"spec":{"tolerations":[{"key":"k3","operator":"Exists"}],
              "containers":[{"name":"web","args":["--c"]}]}}}}
            """#
        let result = try apply("Deployment", patch, to: Self.deployment)
        #expect(result[path: ["spec", "template", "spec", "tolerations"]] == [["key": "k3", "operator": "Exists"]])
        #expect(containers(result)[0]["args"] == ["--c"])
    }

    @Test func nullDeletesAMapKey() throws {
        let result = try apply("Deployment", #"{"metadata":{"labels":{"app":null,"env":"dev"}}}"#, to: Self.deployment)
        #expect(result[path: ["metadata", "labels"]] == ["env": "dev"])
    }

    @Test func retainKeysClearsTheOtherStrategyFields() throws {
        let patch = #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#
        let result = try apply("Deployment", patch, to: Self.deployment)
        #expect(result[path: ["spec", "strategy"]] == ["type": "Recreate"])
    }

    /// The patch `kubectl apply` computes for a Deployment whose manifest changed only the image.
    @Test func kubectlApplyImageChange() throws {
        let lastApplied =
            #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.26","name":"web"},{"image":"busybox","name":"sidecar"}]}}}}"#
        let patch: JSONValue = [
            "metadata": ["annotations": ["kubectl.kubernetes.io/last-applied-configuration": .string(lastApplied + "\n")]],
            "spec": [
                "template": [
                    "spec": [
                        "$setElementOrder/containers": [["name": "web"], ["name": "sidecar"]],
                        "containers": [["image": "nginx:1.26", "name": "web"]],
                    ]
                ]
            ],
        ]
        let live = try JSONValue.parse(Self.deployment)
        let result = try StrategicMergePatch(kind: "Deployment").apply(patch, to: live)

        var expected = live
        expected[path: ["metadata", "annotations"]] = ["kubectl.kubernetes.io/last-applied-configuration": .string(lastApplied + "\n")]
        var web = containers(live)[0]
        web["image"] = "nginx:1.26"
        expected[path: ["spec", "template", "spec", "containers"]] = [web, containers(live)[1]]
        #expect(result == expected)
    }

    /// What `kubectl apply` sends when a manifest drops the sidecar and one env var of the other container.
    @Test func kubectlApplyRemovingAContainerAndAnEnvVar() throws {
        let patch = #"""
            {"spec":{"template":{"spec":{
              "$setElementOrder/containers":[{"name":"web"}],
              "containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"$patch":"delete","name":"B"}],"name":"web"},
                            {"$patch":"delete","name":"sidecar"}]}}}}
            """#
        let result = try apply("Deployment", patch, to: Self.deployment)
        #expect(containers(result).count == 1)
        #expect(containers(result).first?["env"] == [["name": "A", "value": "1"]])
        #expect(containers(result).first?["image"] == "nginx:1.25")
    }

    /// Volumes carry `retainKeys`: switching a volume's source drops the old source.
    @Test func kubectlApplySwitchingAVolumeSource() throws {
        let pod = #"{"spec":{"containers":[{"name":"c"}],"volumes":[{"name":"v","emptyDir":{}},{"name":"w","emptyDir":{}}]}}"#
        let patch = #"""
            {"spec":{"$setElementOrder/volumes":[{"name":"v"},{"name":"w"}],
              "volumes":[{"$retainKeys":["configMap","name"],"configMap":{"name":"cm"},"name":"v"}]}}
            """#
        let result = try apply("Pod", patch, to: pod)
        #expect(result[path: ["spec", "volumes"]] == [["name": "v", "configMap": ["name": "cm"]], ["name": "w", "emptyDir": [:]]])
    }

    @Test func mergeKeysOfTheOtherBuiltInLists() throws {
        let pod = #"""
            {"metadata":{"ownerReferences":[{"uid":"u1","name":"rs"}]},
             "spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"name":"http"}],"volumeMounts":[{"mountPath":"/a","name":"v"}]}],
                     "volumes":[{"name":"v","emptyDir":{}}]},
             "status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Initialized","status":"True"}]}}
            """#
        let patch = #"""
            {"metadata":{"ownerReferences":[{"uid":"u1","controller":true}]},
             "spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"protocol":"TCP"}],"volumeMounts":[{"mountPath":"/a","readOnly":true}]}],
                     "volumes":[{"name":"w","emptyDir":{}}]},
             "status":{"conditions":[{"type":"Ready","status":"True"}]}}
            """#
        let result = try apply("Pod", patch, to: pod)
        #expect(result[path: ["metadata", "ownerReferences"]] == [["uid": "u1", "name": "rs", "controller": true]])
        let container = result[path: ["spec", "containers"]]?[0]
        #expect(container?["ports"] == [["containerPort": 80, "name": "http", "protocol": "TCP"]])
        #expect(container?["volumeMounts"] == [["mountPath": "/a", "name": "v", "readOnly": true]])
        #expect(result[path: ["spec", "volumes"]]?.arrayValue?.count == 2)
        #expect(
            result[path: ["status", "conditions"]] == [["type": "Ready", "status": "True"], ["type": "Initialized", "status": "True"]])

        let service = try apply(
            "Service", #"{"spec":{"ports":[{"port":443,"targetPort":8443}]}}"#,
            to: #"{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":443}]}}"#)
        #expect(service[path: ["spec", "ports"]] == [["port": 80, "targetPort": 8080], ["port": 443, "targetPort": 8443]])
    }

    @Test func supportsOnlyBuiltInKinds() {
        for kind in [
            "Pod", "Service", "ConfigMap", "Secret", "ServiceAccount", "Namespace", "Event", "Deployment", "ReplicaSet", "Job", "Lease",
        ] {
            #expect(StrategicMergePatch.supports(kind: kind), "\(kind)")
        }
        #expect(!StrategicMergePatch.supports(kind: "TrainingJob"))
        #expect(StrategicMergePatch.unsupportedError.httpStatus == 415)
    }

    // MARK: - Upstream vectors

    /// A schema like strategicpatch's own test type: `mergingList` merges by `name`,
    /// `mergingIntList` merges as a set, `nonMergingList` and `nonMergingIntList` are atomic.
    private static let testKeys = PatchMergeKeys(lists: [
        "mergingList": .mergeByKey("name"),
        "mergingList.mergingList": .mergeByKey("name"),
        "mergingIntList": .mergeAsSet,
    ])

    /// Cases from k8s.io/apimachinery strategicpatch tests: (description, original, patch, result).
    static let upstreamCases: [(String, String, String, String)] = [
        ("unique scalars", #"{"mergingIntList":[1,2]}"#, #"{"mergingIntList":[2,3]}"#, #"{"mergingIntList":[1,2,3]}"#),
        ("delete map from nested map", #"{"simpleMap":{"key1":1,"key2":1}}"#, #"{"simpleMap":{"$patch":"delete"}}"#, #"{"simpleMap":{}}"#),
        (
            "delete all items", #"{"mergingList":[{"name":1},{"name":2}]}"#, #"{"mergingList":[{"$patch":"replace"}]}"#,
            #"{"mergingList":[]}"#
        ),
        ("delete all keys from map", #"{"name":1,"value":1}"#, #"{"$patch":"replace"}"#, #"{}"#),
        ("add key and delete all keys", #"{"name":1,"value":1}"#, #"{"other":"a","$patch":"replace"}"#, #"{"other":"a"}"#),
        (
            "delete all duplicates", #"{"mergingList":[{"name":1},{"name":1},{"name":2,"value":"a"},{"name":3},{"name":3}]}"#,
            #"{"mergingList":[{"name":1,"$patch":"delete"},{"name":3,"$patch":"delete"}]}"#, #"{"mergingList":[{"name":2,"value":"a"}]}"#
        ),
        (
            "patch order wins", #"{"mergingList":[{"name":1},{"name":2,"value":"b"},{"name":3}]}"#,
            #"{"mergingList":[{"name":3,"value":"c"},{"name":1,"value":"a"}]}"#,
            #"{"mergingList":[{"name":2,"value":"b"},{"name":3,"value":"c"},{"name":1,"value":"a"}]}"#
        ),
        ("patch order wins for ints", #"{"mergingIntList":[1,2,3]}"#, #"{"mergingIntList":[3,1]}"#, #"{"mergingIntList":[2,3,1]}"#),
        (
            "setElementOrder with an absent item", #"{"mergingList":[{"name":1},{"name":3}]}"#,
            #"{"$setElementOrder/mergingList":[{"name":3},{"name":2},{"name":1}],"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]}"#,
            #"{"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]}"#
        ),
        (
            "setElementOrder of ints", #"{"mergingIntList":[1,3]}"#, #"{"$setElementOrder/mergingIntList":[3,2,1]}"#,
            #"{"mergingIntList":[3,1]}"#
        ),
        (
            "delete absent primitive", #"{"mergingIntList":[1,2]}"#, #"{"$deleteFromPrimitiveList/mergingIntList":[3]}"#,
            #"{"mergingIntList":[1,2]}"#
        ),
        ("delete from absent list", #"{"foo":["bar"]}"#, #"{"$deleteFromPrimitiveList/mergingIntList":[3]}"#, #"{"foo":["bar"]}"#),
        (
            "delete from atomic list", #"{"nonMergingIntList":[1,2,3]}"#, #"{"$deleteFromPrimitiveList/nonMergingIntList":[2]}"#,
            #"{"nonMergingIntList":[1,3]}"#
        ),
        ("replace atomic list", #"{"nonMergingIntList":[1,2]}"#, #"{"nonMergingIntList":[2,3]}"#, #"{"nonMergingIntList":[2,3]}"#),
        (
            "nested merge into absent list", #"{"name":"hi"}"#,
            #"{"mergingList":[{"name":"hello"},{"$patch":"delete","name":"doesntexist"}]}"#,
            #"{"name":"hi","mergingList":[{"name":"hello"}]}"#
        ),
        (
            "three-way with setElementOrder", #"{"name":"hi","mergingList":[{"name":"hello2"}]}"#,
            #"{"$setElementOrder/mergingList":[{"name":"hello"},{"name":"doesntexist"}],"mergingList":[{"name":"hello"},{"$patch":"delete","name":"doesntexist"}]}"#,
            #"{"name":"hi","mergingList":[{"name":"hello"},{"name":"hello2"}]}"#
        ),
        (
            "add and delete ints with order", #"{"mergingIntList":[1,2,3,4]}"#,
            #"{"$setElementOrder/mergingIntList":[1,2,4],"$deleteFromPrimitiveList/mergingIntList":[3]}"#, #"{"mergingIntList":[1,2,4]}"#
        ),
        (
            "merge lists of maps in order", #"{"mergingList":[{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"}]}"#,
            #"{"$setElementOrder/mergingList":[{"name":4},{"name":1},{"name":2},{"name":3}],"mergingList":[{"name":4,"value":4},{"name":3,"value":3}]}"#,
            #"{"mergingList":[{"name":4,"value":4},{"name":1,"other":"a"},{"name":2,"value":2,"other":"b"},{"name":3,"value":3}]}"#
        ),
        ("nested null dropped from a new map", #"{}"#, #"{"simpleMap":{"a":null,"b":"x"}}"#, #"{"simpleMap":{"b":"x"}}"#),
    ]

    @Test(arguments: upstreamCases)
    func upstreamVector(description: String, original: String, patch: String, expected: String) throws {
        let result = try StrategicMergePatch(kind: "MergeItem", keys: Self.testKeys)
            .apply(try JSONValue.parse(patch), to: try JSONValue.parse(original))
        #expect(result == (try JSONValue.parse(expected)), "\(description)")
    }

    /// Rejected patches: (original, patch, message or message prefix, HTTP status).
    static let rejected: [(String, String, String, Int)] = [
        (
            #"{"mergingList":[{"name":1,"value":"a"}]}"#, #"{"mergingList":[{"value":"b"}]}"#,
            "map: map[value:b] does not contain declared merge key: name", 500
        ),
        (
            #"{"mergingList":[{"name":1},{"name":3},{"name":2}]}"#,
            #"{"$setElementOrder/mergingList":[{"name":1},{"name":2},{"name":3}],"mergingList":[{"name":3,"value":3},{"name":1,"value":1}]}"#,
            "The order in patch list:\n[map[name:3 value:3] map[name:1 value:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]\n",
            500
        ),
        (#"{"a":1}"#, #"{"a":{"$patch":"explode"}}"#, "unknown patch type: explode in map: map[$patch:explode]", 500),
        (
            #"{"mergingList":[{"name":1}]}"#, #"{"mergingList":[{"name":1,"$patch":"merge"}]}"#,
            "merging lists cannot yet be specified in the patch", 500
        ),
        (#"{"a":1}"#, #"{"$retainKeys":["a"],"b":2}"#, "invalid patch format of retainKeys", 400),
        (#"{"a":1}"#, #"{"$retainKeys":"a"}"#, "invalid patch format of retainKeys", 400),
        (#"{"a":[1]}"#, #"{"$deleteFromPrimitiveList/a":5}"#, "invalid patch format of primitive list", 400),
        (#"{"a":[1]}"#, #"{"$setElementOrderX/a":[1]}"#, "invalid patch format of setElementOrder list", 400),
        (#"{"mergingIntList":[1]}"#, #"{"mergingIntList":[[2]]}"#, "lists of lists are not supported", 422),
        (#"{"mergingIntList":[1]}"#, #"{"mergingIntList":["a"]}"#, "list element types are not identical: [[1] [a]]", 500),
        (#"{"a":1}"#, #"[1]"#, "invalid JSON document", 400),
    ]

    @Test(arguments: rejected)
    func rejectsMalformedPatches(original: String, patch: String, message: String, status: Int) throws {
        let error = #expect(throws: PatchError.self) {
            try StrategicMergePatch(kind: "MergeItem", keys: Self.testKeys)
                .apply(try JSONValue.parse(patch), to: try JSONValue.parse(original))
        }
        #expect(error?.message == message)
        #expect(error?.httpStatus == status)
    }
}
