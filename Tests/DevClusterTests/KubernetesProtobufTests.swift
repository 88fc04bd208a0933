import KubeAPI
import Testing
import TrainyardTesting

@testable import DevCluster

private func decodeError(_ body: [UInt8]) -> ProtobufError? {
    do {
        _ = try KubernetesProtobuf.decode(body)
        return nil
    } catch {
        return error
    }
}

private func expectDecodes(
    _ body: [UInt8], to json: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let expected = try JSONValue.parse(json)
    let actual = try KubernetesProtobuf.decode(body)
    #expect(
        actual == expected, "got  \(actual.serialized())\nwant \(expected.serialized())",
        sourceLocation: sourceLocation)
}

struct KubernetesProtobufTests {
    // MARK: Real kubectl bodies

    @Test(arguments: KubectlProtobufCapture.all)
    func decodesWhatKubectlSends(_ capture: KubectlProtobufCapture) throws {
        try expectDecodes(capture.body, to: capture.json)
    }

    // MARK: One body per kind, field by field

    @Test func objectMetaCarriesEveryField() throws {
        let body = ProtobufTestWriter.body(kind: "ConfigMap") { w in
            w.message(1) { m in
                m.string(1, "cfg")
                m.string(2, "cfg-")
                m.string(3, "ml")
                m.string(4, "/api/v1/namespaces/ml/configmaps/cfg")
                m.string(5, "0b5c8a4e-1")
                m.string(6, "42")
                m.int(7, 3)
                m.message(8) {
                    $0.int(1, 1_700_000_000)
                    $0.int(2, 500)  // metav1.Time renders whole seconds only
                }
                m.message(9) { $0.int(1, 1_700_000_060) }
                m.int(10, 30)
                m.entry(11, "app", "web")
                m.entry(11, "tier", "fe")
                m.entry(12, "note", "a b")
                m.message(13) { o in
                    o.string(5, "apps/v1")
                    o.string(1, "Deployment")
                    o.string(3, "web")
                    o.string(4, "u-2")
                    o.bool(6, true)
                    o.bool(7, false)
                }
                m.string(14, "example.com/cleanup")
                m.string(14, "other")
                m.message(17) { f in
                    f.string(1, "kubectl")
                    f.string(2, "Update")
                    f.string(3, "v1")
                    f.message(4) { $0.int(1, 1_700_000_000) }
                    f.string(6, "FieldsV1")
                    f.message(7) { $0.bytes(1, Array(#"{"f:data":{"f:k":{}}}"#.utf8)) }
                }
            }
            w.bool(4, false)
            w.entry(2, "k", "v")
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"ConfigMap","immutable":false,"data":{"k":"v"},
                 "metadata":{"name":"cfg","generateName":"cfg-","namespace":"ml",
                  "selfLink":"/api/v1/namespaces/ml/configmaps/cfg","uid":"0b5c8a4e-1","resourceVersion":"42",
                  "generation":3,"creationTimestamp":"2023-11-14T22:13:20Z",
                  "deletionTimestamp":"2023-11-14T22:14:20Z","deletionGracePeriodSeconds":30,
                  "labels":{"app":"web","tier":"fe"},"annotations":{"note":"a b"},
                  "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"u-2",
                                      "controller":true,"blockOwnerDeletion":false}],
                  "finalizers":["example.com/cleanup","other"],
                  "managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"v1",
                                    "time":"2023-11-14T22:13:20Z","fieldsType":"FieldsV1",
                                    "fieldsV1":{"f:data":{"f:k":{}}}}]}}
                """#)
    }

    @Test func fieldsWithoutOmitemptyAppearEvenWhenNotSent() throws {
        // OwnerReference's apiVersion/name/uid have no omitempty, so Go always renders them.
        let body = ProtobufTestWriter.body(kind: "ConfigMap") { w in
            w.message(1) { m in
                m.string(1, "c")
                m.message(13) { $0.string(1, "Job") }
            }
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c",
                 "ownerReferences":[{"apiVersion":"","kind":"Job","name":"","uid":""}]}}
                """#)
    }

    @Test func secretDataIsBase64AndTheRestPassesThrough() throws {
        let body = ProtobufTestWriter.body(kind: "Secret") { w in
            w.message(1) { $0.string(1, "creds") }
            w.bool(5, true)
            w.entry(2, "bin", bytes: [0x00, 0xFF, 0x10])
            w.entry(2, "empty", bytes: [])
            w.entry(4, "plain", "text")
            w.string(3, "kubernetes.io/basic-auth")
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds"},"immutable":true,
                 "data":{"bin":"AP8Q","empty":""},"stringData":{"plain":"text"},"type":"kubernetes.io/basic-auth"}
                """#)
    }

    @Test func serviceAccountReferences() throws {
        let body = ProtobufTestWriter.body(kind: "ServiceAccount") { w in
            w.message(1) {
                $0.string(1, "builder")
                $0.string(3, "ci")
            }
            w.message(2) {
                $0.string(3, "builder-token")
                $0.string(2, "ci")
            }
            w.message(3) { $0.string(1, "registry") }
            w.bool(4, false)
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"builder","namespace":"ci"},
                 "secrets":[{"name":"builder-token","namespace":"ci"}],"imagePullSecrets":[{"name":"registry"}],
                 "automountServiceAccountToken":false}
                """#)
    }

    @Test func namespaceSpecAndStatus() throws {
        let body = ProtobufTestWriter.body(kind: "Namespace") { w in
            w.message(1) { $0.string(1, "ml") }
            w.message(2) { $0.string(1, "kubernetes") }
            w.message(3) { s in
                s.string(1, "Terminating")
                s.message(2) { c in
                    c.string(1, "NamespaceDeletionContentFailure")
                    c.string(2, "False")
                    c.message(4) { $0.int(1, 951_782_400) }
                    c.string(5, "ContentDeleted")
                }
            }
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ml"},"spec":{"finalizers":["kubernetes"]},
                 "status":{"phase":"Terminating","conditions":[{"type":"NamespaceDeletionContentFailure",
                  "status":"False","lastTransitionTime":"2000-02-29T00:00:00Z","reason":"ContentDeleted"}]}}
                """#)
    }

    @Test func namespaceWithoutSpecOrStatusStillShowsThemAsGoDoes() throws {
        let body = ProtobufTestWriter.body(kind: "Namespace") { w in w.message(1) { $0.string(1, "bare") } }
        try expectDecodes(
            body, to: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bare"},"spec":{},"status":{}}"#)
    }

    @Test func serviceWithIntAndNamedTargetPorts() throws {
        let body = ProtobufTestWriter.body(kind: "Service") { w in
            w.message(1) { $0.string(1, "web") }
            w.message(2) { s in
                s.message(1) { p in
                    p.string(1, "http")
                    p.string(2, "TCP")
                    p.int(3, 80)
                    p.message(4) {
                        $0.int(1, 1)
                        $0.string(3, "http")
                    }
                }
                s.message(1) { p in
                    p.string(6, "grpc")
                    p.int(3, 9000)
                    p.message(4) { $0.int(2, 9001) }
                }
                s.entry(2, "app", "web")
                s.string(4, "LoadBalancer")
                s.message(14) { $0.message(1) { $0.int(1, 600) } }
                s.string(17, "SingleStack")
                s.bool(20, false)
            }
            w.message(3) { $0.message(1) { $0.message(1) { $0.string(1, "10.0.0.9") } } }
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
                 "spec":{"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":"http"},
                                  {"appProtocol":"grpc","port":9000,"targetPort":9001}],
                         "selector":{"app":"web"},"type":"LoadBalancer",
                         "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":600}},
                         "ipFamilyPolicy":"SingleStack","allocateLoadBalancerNodePorts":false},
                 "status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.9"}]}}}
                """#)
    }

    @Test func podBasics() throws {
        let body = ProtobufTestWriter.body(kind: "Pod") { w in
            w.message(1) {
                $0.string(1, "trainer")
                $0.entry(11, "app", "trainer")
            }
            w.message(2) { s in
                s.message(1) { v in
                    v.string(1, "config")
                    v.message(2) {
                        $0.message(19) { c in
                            c.message(1) { $0.string(1, "trainer-config") }
                            c.message(2) {
                                $0.string(1, "params")
                                $0.string(2, "params.json")
                            }
                        }
                    }
                }
                s.message(1) { v in
                    v.string(1, "scratch")
                    v.message(2) { $0.message(2) { _ in } }
                }
                s.message(2) { c in
                    c.string(1, "main")
                    c.string(2, "trainyard/trainer:1.0")
                    c.string(3, "train")
                    c.string(4, "--epochs=3")
                    c.message(6) {
                        $0.string(1, "metrics")
                        $0.int(3, 9090)
                        $0.string(4, "TCP")
                    }
                    c.message(19) { e in
                        e.message(3) { $0.message(1) { $0.string(1, "aws") } }
                    }
                    c.message(7) {
                        $0.string(1, "MODE")
                        $0.string(2, "fast")
                    }
                    c.message(7) { e in
                        e.string(1, "LR")
                        e.message(3) { src in
                            src.message(3) { k in
                                k.message(1) { $0.string(1, "trainer-config") }
                                k.string(2, "lr")
                            }
                        }
                    }
                    c.message(8) { r in
                        r.message(1) {
                            $0.string(1, "cpu")
                            $0.message(2) { $0.string(1, "500m") }
                        }
                        r.message(2) {
                            $0.string(1, "memory")
                            $0.message(2) { $0.string(1, "1Gi") }
                        }
                    }
                    c.message(9) {
                        $0.string(1, "config")
                        $0.bool(2, true)
                        $0.string(3, "/etc/trainer")
                    }
                    c.message(11) { p in
                        p.message(1) {
                            $0.message(2) { h in
                                h.string(1, "/healthz")
                                h.message(2) {
                                    $0.int(1, 1)
                                    $0.string(3, "metrics")
                                }
                            }
                        }
                        p.int(2, 5)
                    }
                    c.message(15) { $0.bool(5, false) }
                }
                s.string(3, "Never")
                s.int(4, 0)
                s.entry(7, "gpu", "true")
                s.message(14) { sc in
                    sc.int(2, 1000)
                    sc.int(4, 1000)
                    sc.int(4, 2000)
                }
            }
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"trainer","labels":{"app":"trainer"}},
                 "spec":{
                  "volumes":[{"name":"config","configMap":{"name":"trainer-config",
                                                           "items":[{"key":"params","path":"params.json"}]}},
                             {"name":"scratch","emptyDir":{}}],
                  "containers":[{"name":"main","image":"trainyard/trainer:1.0","command":["train"],
                    "args":["--epochs=3"],"ports":[{"name":"metrics","containerPort":9090,"protocol":"TCP"}],
                    "envFrom":[{"secretRef":{"name":"aws"}}],
                    "env":[{"name":"MODE","value":"fast"},
                           {"name":"LR","valueFrom":{"configMapKeyRef":{"name":"trainer-config","key":"lr"}}}],
                    "resources":{"limits":{"cpu":"500m"},"requests":{"memory":"1Gi"}},
                    "volumeMounts":[{"name":"config","readOnly":true,"mountPath":"/etc/trainer"}],
                    "readinessProbe":{"httpGet":{"path":"/healthz","port":"metrics"},"initialDelaySeconds":5},
                    "securityContext":{"runAsNonRoot":false}}],
                  "restartPolicy":"Never","terminationGracePeriodSeconds":0,"nodeSelector":{"gpu":"true"},
                  "securityContext":{"runAsUser":1000,"supplementalGroups":[1000,2000]}},
                 "status":{}}
                """#)
    }

    // MARK: Protobuf semantics

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        let plain = ProtobufTestWriter.body(kind: "ConfigMap") { w in
            w.message(1) { $0.string(1, "c") }
            w.entry(2, "a", "b")
        }
        let noisy = ProtobufTestWriter.body(kind: "ConfigMap") { w in
            w.int(99, 7)
            w.message(1) { m in
                m.fixed64(15, 0xDEAD_BEEF)
                m.string(1, "c")
                m.fixed32(16, 7)
            }
            w.string(100, "ignored")
            w.fixed32(101, 1)
            w.message(2) { e in
                e.string(1, "a")
                e.int(3, 5)
                e.string(2, "b")
            }
            w.fixed64(536_870_911, 1)  // the largest legal field number
        }
        #expect(try KubernetesProtobuf.decode(noisy) == KubernetesProtobuf.decode(plain))
    }

    @Test func repeatedSingularFieldsFollowProtobufRules() throws {
        // A scalar's last occurrence wins; a message's occurrences merge; a map key's last entry wins.
        let body = ProtobufTestWriter.body(kind: "ConfigMap") { w in
            w.message(1) { m in
                m.string(1, "first")
                m.entry(11, "x", "1")
            }
            w.message(1) { m in
                m.string(1, "second")
                m.string(3, "ns")
                m.entry(11, "y", "2")
            }
            w.entry(2, "k", "old")
            w.entry(2, "k", "new")
            w.message(2) { $0.string(1, "missing-value") }
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"second","namespace":"ns",
                 "labels":{"x":"1","y":"2"}},"data":{"k":"new","missing-value":""}}
                """#)
    }

    @Test func negativeInt32ArrivesSignExtendedAndPackedRepeatedIsAccepted() throws {
        let body = ProtobufTestWriter.body(kind: "Pod") { w in
            w.message(2) { s in
                s.message(2) { c in
                    c.string(1, "main")
                    c.message(6) { $0.int(3, -1) }
                }
                s.message(14) { sc in
                    var groups = ProtobufTestWriter()
                    groups.varint(1000)
                    groups.varint(UInt64(bitPattern: -2))
                    sc.bytes(4, groups.bytes)
                }
            }
        }
        try expectDecodes(
            body,
            to: #"""
                {"apiVersion":"v1","kind":"Pod","metadata":{},"status":{},
                 "spec":{"containers":[{"name":"main","ports":[{"containerPort":-1}]}],
                         "securityContext":{"supplementalGroups":[1000,-2]}}}
                """#)
    }

    @Test func invalidUTF8BecomesReplacementCharacterAsGoJSONDoes() throws {
        let body = ProtobufTestWriter.body(kind: "ConfigMap") { w in
            w.message(1) { $0.bytes(1, [0x61, 0xFF, 0x62]) }
        }
        try expectDecodes(body, to: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a\ufffdb"}}"#)
    }

    @Test func jsonContentTypeInsideTheEnvelopeIsAccepted() throws {
        let body = ProtobufTestWriter.body(kind: "ConfigMap", contentType: "application/json") { w in
            w.bytes.append(contentsOf: Array(#"{"metadata":{"name":"j"}}"#.utf8))
        }
        try expectDecodes(body, to: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}}"#)
    }

    @Test func supportedKindsIncludeWhatKubectlCreateSends() {
        let kinds = KubernetesProtobuf.supportedKinds
        for kind in [
            "v1 Namespace", "v1 ConfigMap", "v1 Secret", "v1 ServiceAccount", "v1 Service", "v1 Pod",
            "apps/v1 Deployment", "batch/v1 Job",
        ] {
            #expect(kinds.contains(kind))
        }
    }

    // MARK: Malformed input

    struct BadBody: Sendable, CustomTestStringConvertible {
        var name: String
        var body: [UInt8]
        var code: ProtobufError.Code
        var message: String
        var field: String? = nil
        var testDescription: String { name }
    }

    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    static let badBodies: [BadBody] = [
        BadBody(name: "empty body", body: [], code: .missingMagic, message: #"prefix "k8s\x00""#),
        BadBody(
            name: "JSON sent with the protobuf content type", body: Array(#"{"kind":"Pod"}"#.utf8),
            code: .missingMagic, message: "is not Kubernetes protobuf"),
        BadBody(
            name: "magic without an envelope", body: magic, code: .malformed,
            message: "must name the object's apiVersion and kind"),
        BadBody(name: "truncated varint", body: magic + [0x0A, 0x80], code: .malformed, message: "truncated varint"),
        BadBody(
            name: "length past the end", body: magic + [0x12, 0x05, 0x01], code: .malformed,
            message: "length 5 runs past the end of the message (1 bytes left)"),
        BadBody(
            name: "field number zero", body: magic + [0x00, 0x00], code: .malformed,
            message: "invalid field number 0"),
        BadBody(name: "wire type 6", body: magic + [0x0E], code: .malformed, message: "invalid wire type 6"),
        BadBody(
            name: "wire type 7 inside the object",
            body: ProtobufTestWriter.body(kind: "Secret") { $0.tag(3, 7) }, code: .malformed,
            message: "invalid wire type 7 for field 3"),
        BadBody(
            name: "group wire type",
            body: ProtobufTestWriter.body(kind: "ConfigMap") { $0.tag(9, 3) }, code: .malformed,
            message: "group wire type"),
        BadBody(
            name: "varint longer than 64 bits",
            body: ProtobufTestWriter.body(kind: "ConfigMap") { w in
                w.message(1) {
                    $0.tag(7, 0)
                    $0.bytes += [UInt8](repeating: 0xFF, count: 9) + [0x7F]
                }
            }, code: .malformed, message: "varint overflows 64 bits"),
        BadBody(
            name: "string field sent as a varint",
            body: ProtobufTestWriter.body(kind: "ConfigMap") { w in w.message(1) { $0.int(1, 5) } },
            code: .malformed, message: "expected a length-delimited value, got wire type varint",
            field: "metadata.name"),
        BadBody(
            name: "bool field sent as a string",
            body: ProtobufTestWriter.body(kind: "Secret") { $0.string(5, "true") },
            code: .malformed, message: "expected a varint value, got wire type length-delimited",
            field: "immutable"),
        BadBody(
            name: "map entry with a varint value",
            body: ProtobufTestWriter.body(kind: "ConfigMap") { w in
                w.message(2) {
                    $0.string(1, "a")
                    $0.int(2, 1)
                }
            }, code: .malformed, message: "expected a length-delimited value", field: "data"),
        BadBody(
            name: "nested message longer than its parent",
            body: ProtobufTestWriter.body(kind: "ConfigMap") { $0.bytes += [0x0A, 0x10, 0x0A, 0x01, 0x61] },
            code: .malformed, message: "runs past the end"),
        BadBody(
            name: "timestamp seconds as a string",
            body: ProtobufTestWriter.body(kind: "ConfigMap") { w in
                w.message(1) { $0.message(8) { $0.string(1, "now") } }
            }, code: .malformed, message: "timestamp field 1 must be a varint",
            field: "metadata.creationTimestamp"),
        BadBody(
            name: "timestamp after year 9999",
            body: ProtobufTestWriter.body(kind: "ConfigMap") { w in
                w.message(1) { $0.message(8) { $0.int(1, 253_402_300_800) } }
            }, code: .malformed, message: "outside 0001-01-01T00:00:00Z...9999-12-31T23:59:59Z"),
        BadBody(
            name: "managed fields that are not JSON",
            body: ProtobufTestWriter.body(kind: "ConfigMap") { w in
                w.message(1) { $0.message(17) { $0.message(7) { $0.bytes(1, Array("{".utf8)) } } }
            }, code: .malformed, message: "the embedded field set is not valid JSON",
            field: "metadata.managedFields[0].fieldsV1"),
        BadBody(
            name: "kind the dev server cannot decode",
            body: ProtobufTestWriter.body(apiVersion: "apps/v1", kind: "StatefulSet") { _ in },
            code: .unsupportedKind,
            message: "cannot decode apps/v1 StatefulSet from protobuf; protobuf request bodies are supported for "
                + "apps/v1 Deployment, batch/v1 Job, v1 ConfigMap, v1 Namespace, v1 Pod, v1 Secret, v1 Service, "
                + "v1 ServiceAccount. Send the object as JSON or YAML instead, e.g. write it to statefulset.yaml "
                + "and run `kubectl apply -f statefulset.yaml`"),
        BadBody(
            name: "compressed raw object",
            body: ProtobufTestWriter.body(kind: "ConfigMap", contentEncoding: "gzip") { _ in },
            code: .unsupportedEncoding, message: #"contentEncoding "gzip""#),
        BadBody(
            name: "YAML raw object",
            body: ProtobufTestWriter.body(kind: "ConfigMap", contentType: "application/yaml") { _ in },
            code: .unsupportedEncoding, message: #"contentType "application/yaml""#),
        BadBody(
            name: "envelope without a kind",
            body: ProtobufTestWriter.body(kind: "") { _ in }, code: .malformed,
            message: #"(got apiVersion "v1", kind "")"#),
    ]

    @Test(arguments: badBodies)
    func malformedBodiesAreRejectedWithAReason(_ bad: BadBody) throws {
        let error = try #require(decodeError(bad.body))
        #expect(error.code == bad.code)
        #expect(error.description.contains(bad.message), "\(error.description)")
        if let field = bad.field {
            #expect(error.field == field)
            #expect(error.description.contains("in field \(field)"))
        }
    }

    @Test func errorOffsetsPointIntoTheRequestBody() throws {
        // magic (4 bytes) + tag (1 byte): the bad length starts at byte 5.
        let error = try #require(decodeError(Self.magic + [0x12, 0x05, 0x01]))
        #expect(error.offset == 5)
        #expect(error.description.hasPrefix("invalid protobuf request body at byte 5: "))
    }

    // MARK: Timestamps

    @Test(arguments: [
        (Int64(1), "1970-01-01T00:00:01Z"),
        (-1, "1969-12-31T23:59:59Z"),
        (1_700_000_000, "2023-11-14T22:13:20Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (1_709_164_800, "2024-02-29T00:00:00Z"),
        (ProtobufTime.minSeconds, "0001-01-01T00:00:00Z"),
        (ProtobufTime.maxSeconds, "9999-12-31T23:59:59Z"),
    ])
    func timestampsFormatAsRFC3339(_ seconds: Int64, _ expected: String) {
        #expect(ProtobufTime.rfc3339(seconds: seconds) == expected)
    }

    @Test func zeroTimestampIsOmittedLikeAnUnsetTime() throws {
        let body = ProtobufTestWriter.body(kind: "ConfigMap") { w in
            w.message(1) {
                $0.string(1, "c")
                $0.message(8) {
                    $0.int(1, 0)
                    $0.int(2, 0)
                }
            }
        }
        try expectDecodes(body, to: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#)
    }

    // MARK: Fuzzing

    typealias SeededGenerator = SeededRandom

    @Test func randomBytesAfterTheMagicNeverCrash() {
        var rng = SeededGenerator(seed: 0x7472_6169_6E79_6172)
        var rejected = 0
        for _ in 0..<3000 {
            let count = Int.random(in: 0...200, using: &rng)
            let body = Self.magic + (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if let error = decodeError(body) {
                rejected += 1
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(rejected > 2900, "random bytes should almost never form a valid envelope")
    }

    @Test func mutatedKubectlBodiesNeverCrash() {
        var rng = SeededGenerator(seed: 42)
        let seeds = KubectlProtobufCapture.all.map(\.body)
        var decoded = 0
        var rejected = 0
        for _ in 0..<4000 {
            var body = seeds.randomElement(using: &rng)!
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 4..<body.count, using: &rng)
                    body[i] = UInt8.random(in: 0...255, using: &rng)
                }
            case 1:
                body.removeLast(Int.random(in: 1..<(body.count - 4), using: &rng))
            case 2:
                body.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 4...body.count, using: &rng))
            default:
                let i = Int.random(in: 4..<body.count, using: &rng)
                body[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            }
            do {
                let object = try KubernetesProtobuf.decode(body)
                decoded += 1
                #expect(object["kind"]?.stringValue != nil)
            } catch {
                rejected += 1
                #expect(!error.description.isEmpty)
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the decoder.
        #expect(decoded > 100)
        #expect(rejected > 100)
    }
}
