public import NIOCore

extension RTCPCompoundPacket {
    /// Validates the readable bytes of `buffer` as a compound RTCP packet and calls `body` for each packet,
    /// without copying or moving the reader index.
    ///
    /// The scoped form for drivers: the bytes handed to `body` (for the view's accessors) are valid only during
    /// the call, so no pointer outlives it.
    ///
    /// - Parameters:
    ///   - buffer: the datagram.
    ///   - requireReportFirst: check that the first packet is SR or RR (RFC 3550 §6.1).
    ///   - body: called with each packet's view and the datagram's bytes.
    /// - Throws: ``RTCPError`` if the compound packet is invalid; then `body` is not called at all.
    public static func forEachPacket(
        in buffer: ByteBuffer,
        requireReportFirst: Bool = true,
        _ body: (RTCPPacketView, UnsafeRawBufferPointer) -> Void
    ) throws(RTCPError) {
        let failure: RTCPError? = buffer.withUnsafeReadableBytes { bytes in
            do throws(RTCPError) {
                let compound = try RTCPCompoundPacket(validating: bytes, requireReportFirst: requireReportFirst)
                for packet in compound { body(packet, bytes) }
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }
}
