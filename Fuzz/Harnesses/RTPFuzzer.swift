import NIOCore
import RTP

/// Feeds one input to the RTP packet reader (RFC 3550 §5.1) as a media socket receives it: classified against
/// RTCP (RFC 5761), validated, its payload and CSRCs read, and its sequence number run through the
/// reception statistics.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    _ = RTCPMultiplexing.classify(raw)
    guard let packet = RTPPacketView(parsing: raw) else { return 0 }
    _ = packet.payload(in: raw)
    for index in 0...packet.csrcCount { _ = packet.csrc(at: index, in: raw) }
    let buffer = ByteBuffer(bytes: raw)
    if let view = RTPPacketView(buffer: buffer) { _ = view.payload(in: buffer) }
    var statistics = ReceptionStatistics(ssrc: packet.ssrc, clockRate: 8000, firstSequenceNumber: packet.sequenceNumber)
    _ = statistics.receivedPacket(sequenceNumber: packet.sequenceNumber &+ 1, timestamp: packet.timestamp, arrival: 20)
    _ = statistics.makeReportBlock(now: NIODeadline.uptimeNanoseconds(1_000_000_000))
    return 0
}
