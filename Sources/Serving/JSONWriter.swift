import KubeAPI

/// Writes compact JSON text straight into a string, for answers built on every request: no
/// intermediate tree, and numbers in their shortest round-tripping form (as Python's `json` writes
/// them), non-finite numbers as null.
struct JSONWriter {
    private(set) var text = ""
    private var needsComma = false

    init(capacity: Int = 256) {
        text.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        text += "{"
        needsComma = false
    }

    mutating func endObject() {
        text += "}"
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        text += "["
        needsComma = false
    }

    mutating func endArray() {
        text += "]"
        needsComma = true
    }

    mutating func key(_ name: String) {
        separate()
        Self.escape(name, into: &text)
        text += ":"
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        Self.escape(value, into: &text)
        needsComma = true
    }

    mutating func number(_ value: Double) {
        separate()
        text += value.isFinite ? value.description : "null"
        needsComma = true
    }

    mutating func integer(_ value: Int) {
        separate()
        text += String(value)
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        separate()
        text += value ? "true" : "false"
        needsComma = true
    }

    mutating func null() {
        separate()
        text += "null"
        needsComma = true
    }

    /// Appends JSON text as one value.
    mutating func raw(_ json: String) {
        separate()
        text += json
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { text += "," }
    }

    static func escape(_ s: String, into out: inout String) {
        JSONValue.writeString(s, to: &out)
    }
}
