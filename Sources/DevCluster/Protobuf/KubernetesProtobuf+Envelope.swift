extension KubernetesProtobuf {
    /// `runtime.Unknown` from k8s.io/apimachinery/pkg/runtime/generated.proto:
    /// typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4.
    struct Envelope {
        var apiVersion = ""
        var kind = ""
        var raw: ArraySlice<UInt8> = []
        var contentEncoding = ""
        var contentType = ""

        static func decode(_ bytes: ArraySlice<UInt8>) throws(ProtobufError) -> Envelope {
            var envelope = Envelope()
            var reader = ProtobufReader(bytes)
            while !reader.isAtEnd {
                let offset = reader.index
                let (number, wireType) = try reader.readTag()
                guard (1...4).contains(number) else {
                    try reader.skip(wireType, number: number)
                    continue
                }
                guard wireType == .lengthDelimited else {
                    throw reader.fail("envelope field \(number) must be length-delimited, got wire type \(wireType)", at: offset)
                }
                let value = try reader.readLengthDelimited()
                switch number {
                case 1: try envelope.readTypeMeta(value)
                case 2: envelope.raw = value
                case 3: envelope.contentEncoding = String(decoding: value, as: UTF8.self)
                default: envelope.contentType = String(decoding: value, as: UTF8.self)
                }
            }
            return envelope
        }

        private mutating func readTypeMeta(_ bytes: ArraySlice<UInt8>) throws(ProtobufError) {
            var reader = ProtobufReader(bytes, field: "typeMeta")
            while !reader.isAtEnd {
                let offset = reader.index
                let (number, wireType) = try reader.readTag()
                guard number == 1 || number == 2 else {
                    try reader.skip(wireType, number: number)
                    continue
                }
                guard wireType == .lengthDelimited else {
                    throw reader.fail("typeMeta field \(number) must be a string, got wire type \(wireType)", at: offset)
                }
                let value = String(decoding: try reader.readLengthDelimited(), as: UTF8.self)
                if number == 1 { apiVersion = value } else { kind = value }
            }
        }
    }
}
