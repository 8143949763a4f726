import NIOCore
@testable import SIPCore

/// Feeds one input to the SIP message parser both ways it meets the network: as a UDP datagram (and, when
/// that fails, the salvage path that finds enough headers to answer 400), and through the stream framer then
/// the stream parser, as a TCP connection would. Every typed header accessor the transaction layer reads
/// runs on what parses, and the serialized message must parse again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSIPMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = SIPMessageParser()
    if let message = try? parser.parseDatagram(bytes) {
        touch(message)
        if case .request(let request) = message {
            _ = SIPResponse(replyingTo: request, statusCode: 400, reasonPhrase: "Bad Request").bytes
        }
        if (try? parser.parseDatagram(message.bytes)) == nil {
            fatalError("a parsed message did not parse again after serialization")
        }
    } else if let salvaged = parser.salvageRequestHeaders(bytes) {
        _ = SIPResponse(replyingTo: salvaged, statusCode: 400, reasonPhrase: "Bad Request").bytes
    }
    var framer = SIPStreamFramer()
    var buffer = ByteBuffer(bytes: bytes)
    while let frame = try? framer.decode(buffer: &buffer) {
        if let message = try? parser.parseStreamMessage(frame) { touch(message) }
    }
    return 0
}

private func touch(_ message: SIPMessage) {
    let headers = message.headers
    _ = headers.vias
    _ = headers.topVia?.sentBy
    _ = headers.topVia?.rport
    _ = headers.from?.tag
    _ = headers.to?.uri.decodedUser
    _ = headers.contacts
    _ = headers.cseq
    _ = headers.callID
    _ = try? SessionDescription(parsing: message.body)
}
