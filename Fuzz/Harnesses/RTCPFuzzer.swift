import NIOCore
import RTP

/// Feeds one input to the compound RTCP reader (RFC 3550 §6) and every accessor a media session uses on
/// each packet: sender info, report blocks, BYE sources and reason, SDES CNAME.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRTCP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = ByteBuffer(bytes: UnsafeRawBufferPointer(start: data, count: size))
    for requireReportFirst in [true, false] {
        try? RTCPCompoundPacket.forEachPacket(in: buffer, requireReportFirst: requireReportFirst) { packet, bytes in
            _ = packet.ssrc(in: bytes)
            _ = packet.senderInfo(in: bytes)
            for index in 0...packet.reportBlockCount { _ = packet.reportBlock(at: index, in: bytes) }
            for index in 0...packet.count { _ = packet.byeSource(at: index, in: bytes) }
            _ = packet.byeReason(in: bytes)
            _ = packet.cname(in: bytes)
        }
    }
    return 0
}
