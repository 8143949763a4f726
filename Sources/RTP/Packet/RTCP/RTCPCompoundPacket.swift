/// A validated compound RTCP datagram: a sequence of ``RTCPPacketView``s (RFC 3550 §6.1, Appendix A.2).
///
/// Validation follows Appendix A.2: every packet has version 2; the first is an SR or RR; only the last may
/// carry padding; and the packet lengths add up exactly to the datagram. Iterating yields the packets' views
/// without copying; their accessors read from the same bytes.
public struct RTCPCompoundPacket: Sequence {
    /// The validated bytes' length; the views' ranges lie within it.
    public let byteCount: Int
    private let bytes: UnsafeRawBufferPointer

    /// Validates a compound RTCP datagram.
    ///
    /// - Parameters:
    ///   - bytes: the datagram; it must stay valid while the value and its iterator are used.
    ///   - requireReportFirst: check that the first packet is SR or RR (RFC 3550 §6.1). Pass `false` for
    ///     reduced-size RTCP (RFC 5506).
    /// - Throws: ``RTCPError`` for the first rule broken.
    public init(validating bytes: UnsafeRawBufferPointer, requireReportFirst: Bool = true) throws(RTCPError) {
        guard bytes.count >= RTCPPacketView.headerSize else { throw RTCPError(.truncated, offset: bytes.count) }
        var offset = 0
        var first = true
        while offset < bytes.count {
            let packet = try RTCPPacketView(validating: bytes, at: offset)
            if first && requireReportFirst {
                guard packet.packetType == .senderReport || packet.packetType == .receiverReport else {
                    throw RTCPError(.notCompound, offset: 1)
                }
            }
            let next = packet.range.upperBound + packet.paddingCount
            // Padding is allowed only on the last packet of a compound (RFC 3550 §6.4.1, Appendix A.2).
            if packet.hasPadding && next != bytes.count {
                throw RTCPError(.invalidPadding, offset: packet.range.lowerBound)
            }
            offset = next
            first = false
        }
        self.byteCount = bytes.count
        self.bytes = bytes
    }

    /// Iterates the packets of the compound in order.
    public func makeIterator() -> Iterator { Iterator(bytes: self.bytes) }

    /// Walks the already-validated packets.
    public struct Iterator: IteratorProtocol {
        private let bytes: UnsafeRawBufferPointer
        private var offset = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// The next packet, or nil after the last.
        public mutating func next() -> RTCPPacketView? {
            guard self.offset < self.bytes.count,
                let packet = try? RTCPPacketView(validating: self.bytes, at: self.offset)
            else { return nil }
            self.offset = packet.range.upperBound + packet.paddingCount
            return packet
        }
    }
}
