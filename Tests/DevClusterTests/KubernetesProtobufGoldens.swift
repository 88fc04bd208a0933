// Bodies captured from kubectl 1.37.1 (`/work/main/.venv/bin/kubectl --server=http://127.0.0.1:PORT create ...`)
// against a Python stub that answered discovery and recorded each POST body; the expected JSON is what the
// same command prints with `--dry-run=client -o json`.

import Testing

/// A request body recorded from real kubectl 1.37.1 against a stub server, with the JSON that
/// `kubectl <same command> --dry-run=client -o json` prints for the same object.
struct KubectlProtobufCapture: Sendable, CustomTestStringConvertible {
    var command: String
    var hex: String
    var json: String
    var testDescription: String { command }

    var body: [UInt8] {
        var out: [UInt8] = []
        var chars = hex.makeIterator()
        while let high = chars.next(), let low = chars.next() {
            out.append(UInt8(String([high, low]), radix: 16)!)
        }
        return out
    }

    static let all: [KubectlProtobufCapture] = [
        KubectlProtobufCapture(
            command: "kubectl create namespace foo",
            hex: [
                "6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a02",
                "0a001a002200",
            ].joined(),
            json: #"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"foo"},"spec":{},"status":{}}"#),
        KubectlProtobufCapture(
            command: "kubectl create configmap c --from-literal=a=b --from-literal=x=hello_world -n ns1",
            hex: [
                "6b3873000a0f0a0276311209436f6e6669674d617012300a140a016312001a036e733122002a0032003800420012060a",
                "016112016212100a0178120b68656c6c6f5f776f726c641a002200",
            ].joined(),
            json: #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","namespace":"ns1"},"data":{"a":"b","x":"hello_world"}}"#),
        KubectlProtobufCapture(
            command: "kubectl create configmap cb --from-file=bin.dat -n ns1  (bin.dat = 00 01 ff 'bin')",
            hex: [
                "6b3873000a0f0a0276311209436f6e6669674d6170122a0a150a02636212001a036e733122002a003200380042001a11",
                "0a0762696e2e64617412060001ff62696e1a002200",
            ].joined(),
            json: #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cb","namespace":"ns1"},"binaryData":{"bin.dat":"AAH/Ymlu"}}"#),
        KubectlProtobufCapture(
            command: "kubectl create secret generic s --from-literal=k=v --from-literal=pw=p@ss --type=Opaque -n ns1",
            hex: [
                "6b3873000a0c0a027631120653656372657412320a140a017312001a036e733122002a0032003800420012060a016b12",
                "0176120a0a0270771204704073731a064f70617175651a002200",
            ].joined(),
            json:
                #"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","namespace":"ns1"},"data":{"k":"dg==","pw":"cEBzcw=="},"type":"Opaque"}"#
        ),
        KubectlProtobufCapture(
            command: "kubectl create serviceaccount sa -n ns1",
            hex: [
                "6b3873000a140a027631120e536572766963654163636f756e7412170a150a02736112001a036e733122002a00320038",
                "0042001a002200",
            ].joined(),
            json: #"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa","namespace":"ns1"}}"#),
        KubectlProtobufCapture(
            command: "kubectl create secret docker-registry reg --docker-server=r.io --docker-username=u --docker-password=p -n ns1",
            hex: [
                "6b3873000a0c0a0276311206536563726574128f010a160a0372656712001a036e733122002a0032003800420012550a",
                "112e646f636b6572636f6e6669676a736f6e12407b226175746873223a7b22722e696f223a7b22757365726e616d6522",
                "3a2275222c2270617373776f7264223a2270222c2261757468223a2264547077227d7d7d1a1e6b756265726e65746573",
                "2e696f2f646f636b6572636f6e6669676a736f6e1a002200",
            ].joined(),
            json:
                #"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"reg","namespace":"ns1"},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="},"type":"kubernetes.io/dockerconfigjson"}"#
        ),
        KubectlProtobufCapture(
            command: "kubectl create service nodeport np --tcp=80:http,443:8443 --node-port=30080 -n ns1",
            hex: [
                "6b3873000a0d0a027631120753657276696365128e010a200a026e7012001a036e733122002a003200380042005a090a",
                "0361707012026e7012660a200a0738302d6874747012035443501850220a080110001a04687474702880eb010a1f0a08",
                "3434332d38343433120354435018bb032207080010fb411a002880eb0112090a0361707012026e701a0022084e6f6465",
                "506f72743a00420052005a00600068001a020a001a002200",
            ].joined(),
            json:
                #"{"kind":"Service","apiVersion":"v1","metadata":{"name":"np","namespace":"ns1","labels":{"app":"np"}},"spec":{"ports":[{"name":"80-http","protocol":"TCP","port":80,"targetPort":"http","nodePort":30080},{"name":"443-8443","protocol":"TCP","port":443,"targetPort":8443,"nodePort":30080}],"selector":{"app":"np"},"type":"NodePort"},"status":{"loadBalancer":{}}}"#
        ),
        KubectlProtobufCapture(
            command: "kubectl create service externalname en --external-name=example.com -n ns1",
            hex: [
                "6b3873000a0d0a027631120753657276696365125a0a200a02656e12001a036e733122002a003200380042005a090a03",
                "6170701202656e123212090a036170701202656e1a00220c45787465726e616c4e616d653a004200520b6578616d706c",
                "652e636f6d5a00600068001a020a001a002200",
            ].joined(),
            json:
                #"{"kind":"Service","apiVersion":"v1","metadata":{"name":"en","namespace":"ns1","labels":{"app":"en"}},"spec":{"selector":{"app":"en"},"type":"ExternalName","externalName":"example.com"},"status":{"loadBalancer":{}}}"#
        ),
        KubectlProtobufCapture(
            command: "kubectl create service clusterip headless --clusterip=None -n ns1",
            hex: [
                "6b3873000a0d0a02763112075365727669636512620a2c0a08686561646c65737312001a036e733122002a0032003800",
                "42005a0f0a036170701208686561646c657373122e120f0a036170701208686561646c6573731a044e6f6e652209436c",
                "757374657249503a00420052005a00600068001a020a001a002200",
            ].joined(),
            json:
                #"{"kind":"Service","apiVersion":"v1","metadata":{"name":"headless","namespace":"ns1","labels":{"app":"headless"}},"spec":{"selector":{"app":"headless"},"clusterIP":"None","type":"ClusterIP"},"status":{"loadBalancer":{}}}"#
        ),
        KubectlProtobufCapture(
            command: "kubectl create deployment web --image=nginx --replicas=2 --port=80 -n ns1",
            hex: [
                "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bb010a220a0377656212001a036e733122002a00",
                "3200380042005a0a0a0361707012037765621286010802120c0a0a0a0361707012037765621a6c0a1c0a0012001a0022",
                "002a003200380042005a0a0a036170701203776562124c122e0a056e67696e7812056e67696e782a00320a0a00100018",
                "5022002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100",
                "c2010022020a00280038001a0c0800100018002000280038001a002200",
            ].joined(),
            json:
                #"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","namespace":"ns1","labels":{"app":"web"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}}"#
        ),
        KubectlProtobufCapture(
            command: "kubectl create job j --image=busybox -n ns1 -- echo hi",
            hex: [
                "6b3873000a0f0a0862617463682f763112034a6f621285010a140a016a12001a036e733122002a003200380042001263",
                "32610a100a0012001a0022002a00320038004200124d122a0a016a120762757379626f781a046563686f1a0268692a00",
                "42006a007200800100880100900100a201001a054e65766572320042004a0052005800600068008201008a01009a0100",
                "c201001a082000280030003a001a002200",
            ].joined(),
            json:
                #"{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j","namespace":"ns1"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"j","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}}},"status":{}}"#
        ),
    ]
}
