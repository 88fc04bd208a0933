import ControllerRuntime
import Foundation
import KubeAPI
import Logging
import Synchronization
import Testing

@Suite("Condition, address and log helpers")
struct HelpersTests {
    @Test("lastTransitionTime moves only when the status changes")
    func conditionTransitions() {
        var conditions: [Condition] = []
        let t1 = Date(timeIntervalSince1970: 1_800_000_000)
        let t2 = t1.addingTimeInterval(60)
        let t3 = t1.addingTimeInterval(120)
        let changed1 = conditions.set("Ready", status: .false, reason: "Starting", observedGeneration: 1, now: t1)
        #expect(changed1)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == "2027-01-15T08:00:00Z")
        let changed2 = conditions.set("Ready", status: .false, reason: "StillStarting", message: "waiting", observedGeneration: 2, now: t2)
        #expect(changed2)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == "2027-01-15T08:00:00Z", "same status: time unchanged")
        #expect(conditions[type: "Ready"]?.reason == "StillStarting")
        #expect(conditions[type: "Ready"]?.observedGeneration == 2)
        let changed3 = conditions.set("Ready", status: .false, reason: "StillStarting", message: "waiting", observedGeneration: 2, now: t3)
        #expect(!changed3)
        let changed4 = conditions.set("Ready", status: .true, reason: "Ready", observedGeneration: 2, now: t3)
        #expect(changed4)
        #expect(conditions[type: "Ready"]?.lastTransitionTime == "2027-01-15T08:02:00Z")
        #expect(conditions.isTrue("Ready"))
        #expect(conditions.count == 1)
        let changed5 = conditions.remove("Ready")
        #expect(changed5)
        let changed6 = conditions.remove("Ready")
        #expect(!changed6)
    }

    @Test("timestamps in Time and MicroTime shapes round-trip")
    func timestamps() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123456)
        #expect(Timestamp.time(date) == "2027-01-15T08:00:00Z")
        #expect(Timestamp.microTime(date).hasPrefix("2027-01-15T08:00:00.1234"))
        #expect(abs(Timestamp.parse(Timestamp.microTime(date))!.timeIntervalSince(date)) < 0.001)
        #expect(Timestamp.parse("yesterday") == nil)
    }

    @Test(
        "listen addresses parse like controller-runtime's flags",
        arguments: [
            (":8080", "0.0.0.0:8080"), ("127.0.0.1:0", "127.0.0.1:0"), ("[::1]:9000", "[::1]:9000"), ("localhost:1", "localhost:1"),
        ])
    func bindAddress(text: String, expected: String) throws {
        #expect(try BindAddress.parse(text, flag: "--x")?.description == expected)
    }

    @Test("0 disables a server; bad addresses name the flag and the expected shape", arguments: ["8080", "host:", ":99999", "a:b"])
    func badBindAddress(text: String) throws {
        #expect(try BindAddress.parse("0", flag: "--x") == nil)
        #expect {
            try BindAddress.parse(text, flag: "--metrics-bind-address")
        } throws: { error in
            "\(error)".contains("--metrics-bind-address: \"\(text)\" is not a listen address; expected [host]:port")
        }
    }

    @Test("the JSON log handler writes one parseable object per line with metadata")
    func jsonLogs() throws {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "test", level: .info) { line in lines.withLock { $0.append(line) } }
        handler[metadataKey: "controller"] = "tj"
        let logger = Logger(label: "test", factory: { _ in handler })
        logger.debug("hidden")
        logger.info("reconciled", metadata: ["key": "ns/a", "attempt": "\(3)"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let json = try JSONValue.parse(written[0])
        #expect(json["msg"] == "reconciled")
        #expect(json["level"] == "info")
        #expect(json["logger"] == "test")
        #expect(json["controller"] == "tj")
        #expect(json["key"] == "ns/a")
        #expect(json["attempt"] == "3")
        #expect(json["ts"]?.stringValue.flatMap(Timestamp.parse) != nil)
        #expect(!written[0].contains("\n"))
    }
}
