public import NIOCore

extension JitterBuffer {
    /// Stores the payload of a parsed packet straight from the receive buffer (no intermediate copy).
    ///
    /// - Parameters:
    ///   - packet: the view parsed from `buffer` (``RTPPacketView/init(buffer:)``).
    ///   - buffer: the datagram's buffer, with the reader index it had when parsed.
    ///   - arrival: the receive time in monotonic nanoseconds.
    /// - Returns: what was done with the packet; `.oversized` if the view does not fit `buffer`.
    @discardableResult
    public mutating func insert(_ packet: RTPPacketView, in buffer: ByteBuffer, arrival: UInt64) -> InsertResult {
        buffer.withUnsafeReadableBytes { bytes in
            guard let payload = packet.payload(in: bytes) else { return .oversized }
            return self.insert(
                sequence: packet.sequenceNumber,
                timestamp: packet.timestamp,
                payload: payload,
                arrival: arrival
            )
        }
    }
}
