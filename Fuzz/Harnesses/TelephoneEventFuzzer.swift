import NIOCore
import RTP

/// Feeds one input to the RFC 4733 reader as a stream of event payloads: the input is cut into 8-byte
/// records (4 bytes of RTP timestamp, then a 4-byte event payload), each parsed and passed to the receiver
/// that turns events into digits, which must only ever report DTMF characters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTelephoneEvent(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    _ = TelephoneEvent(parsing: raw)
    _ = TelephoneEvent(buffer: ByteBuffer(bytes: raw))
    var receiver = TelephoneEventReceiver()
    var offset = 0
    while offset + 8 <= size {
        let timestamp = raw[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let payload = UnsafeRawBufferPointer(rebasing: raw[offset + 4..<offset + 8])
        if let event = TelephoneEvent(parsing: payload), let digit = receiver.receivedPacket(event, timestamp: timestamp) {
            if !"0123456789*#ABCD".contains(digit) { fatalError("RFC 4733 receiver reported \(digit)") }
            var written = ByteBuffer()
            event.write(into: &written)
            if TelephoneEvent(buffer: written) != event { fatalError("RFC 4733 event did not survive a round trip") }
        }
        offset += 8
    }
    return 0
}
