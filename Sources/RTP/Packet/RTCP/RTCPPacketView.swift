/// A validated view of one RTCP packet inside a compound datagram (RFC 3550 §6.4–§6.6).
///
/// ```
///  0                   1                   2                   3
/// |V=2|P|    RC   |      PT       |             length            |
/// ```
///
/// The view copies nothing: it keeps the common-header fields and the packet's byte range in the datagram;
/// typed accessors read SR sender info, report blocks, SDES items and BYE fields on demand, each bounds-checked
/// against the packet (not just the datagram), so a lying count cannot read a neighbour's bytes.
public struct RTCPPacketView: Hashable, Sendable {
    /// Size of the common header.
    public static let headerSize = 4
    /// SDES item type of the canonical name (RFC 3550 §6.5.1).
    public static let cnameItemType: UInt8 = 1

    /// The packet type.
    public var packetType: RTCPPacketType
    /// The 5-bit count: report blocks for SR/RR, chunks for SDES, sources for BYE.
    public var count: Int
    /// The whole packet (header included) as offsets into the datagram; padding excluded.
    public var range: Range<Int>
    /// Padding octets at the end, including the count octet (only the last packet of a compound has any).
    public var paddingCount: Int

    /// Reads the packet whose common header starts at `offset`.
    ///
    /// Checks (RFC 3550 §6.4.1, Appendix A.2): 4 header bytes; version 2; `(length + 1)·4` bytes fit the
    /// datagram; if P is set, the last octet counts padding between 1 and the body length; and for SR, RR, SDES
    /// and BYE that the fixed part and the counted items fit the packet.
    ///
    /// - Throws: ``RTCPError`` naming the first rule broken and its offset.
    public init(validating bytes: UnsafeRawBufferPointer, at offset: Int) throws(RTCPError) {
        guard offset >= 0, offset + Self.headerSize <= bytes.count else {
            throw RTCPError(.truncated, offset: bytes.count)
        }
        let b0 = bytes[offset]
        guard b0 >> 6 == 2 else { throw RTCPError(.unsupportedVersion, offset: offset) }
        let length = (Int(Self.readUInt16(bytes, at: offset + 2)) + 1) * 4
        let end = offset + length
        guard end <= bytes.count else { throw RTCPError(.invalidLength, offset: offset + 2) }
        var paddingCount = 0
        if b0 & 0x20 != 0 {
            paddingCount = Int(bytes[end - 1])
            guard paddingCount >= 1, paddingCount <= length - Self.headerSize else {
                throw RTCPError(.invalidPadding, offset: end - 1)
            }
        }
        self.packetType = RTCPPacketType(bytes[offset + 1])
        self.count = Int(b0 & 0x1F)
        self.range = offset..<(end - paddingCount)
        self.paddingCount = paddingCount
        try self.validateBody(bytes)
    }

    /// Whether the P bit was set.
    public var hasPadding: Bool { self.paddingCount > 0 }

    /// Bytes after the common header, as offsets into the datagram.
    var body: Range<Int> { (self.range.lowerBound + Self.headerSize)..<self.range.upperBound }

    private func validateBody(_ bytes: UnsafeRawBufferPointer) throws(RTCPError) {
        let bodyCount = self.body.count
        switch self.packetType {
        case .senderReport:
            guard bodyCount >= 4 + RTCPSenderInfo.size else {
                throw RTCPError(.truncated, offset: self.range.lowerBound)
            }
            guard bodyCount >= 4 + RTCPSenderInfo.size + self.count * RTCPReportBlock.size else {
                throw RTCPError(.truncatedReportBlocks, offset: self.range.lowerBound)
            }
        case .receiverReport:
            guard bodyCount >= 4 else { throw RTCPError(.truncated, offset: self.range.lowerBound) }
            guard bodyCount >= 4 + self.count * RTCPReportBlock.size else {
                throw RTCPError(.truncatedReportBlocks, offset: self.range.lowerBound)
            }
        case .bye:
            guard bodyCount >= 4 * self.count else { throw RTCPError(.invalidBye, offset: self.range.lowerBound) }
            let reasonOffset = self.body.lowerBound + 4 * self.count
            if reasonOffset < self.range.upperBound {
                let reasonLength = Int(bytes[reasonOffset])
                guard reasonOffset + 1 + reasonLength <= self.range.upperBound else {
                    throw RTCPError(.invalidBye, offset: reasonOffset)
                }
            }
        case .sourceDescription:
            var failure: RTCPError? = nil
            self.walkSourceDescription(bytes, failure: &failure) { _, _, _ in }
            if let failure { throw failure }
        default:
            break
        }
    }

    // MARK: SR and RR

    /// The SSRC of the packet's sender (SR, RR), the first chunk's (SDES) or the first source's (BYE).
    public func ssrc(in bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard self.body.count >= 4, self.range.upperBound <= bytes.count else { return nil }
        return Self.readUInt32(bytes, at: self.body.lowerBound)
    }

    /// The sender information of an SR.
    public func senderInfo(in bytes: UnsafeRawBufferPointer) -> RTCPSenderInfo? {
        guard self.packetType == .senderReport, self.body.count >= 4 + RTCPSenderInfo.size,
            self.range.upperBound <= bytes.count
        else { return nil }
        return RTCPSenderInfo(reading: bytes, at: self.body.lowerBound + 4)
    }

    /// Number of report blocks in an SR or RR (0 for other types).
    public var reportBlockCount: Int {
        self.packetType == .senderReport || self.packetType == .receiverReport ? self.count : 0
    }

    /// The `index`th report block of an SR or RR.
    public func reportBlock(at index: Int, in bytes: UnsafeRawBufferPointer) -> RTCPReportBlock? {
        guard index >= 0, index < self.reportBlockCount else { return nil }
        let first = self.body.lowerBound + 4 + (self.packetType == .senderReport ? RTCPSenderInfo.size : 0)
        let offset = first + index * RTCPReportBlock.size
        guard offset + RTCPReportBlock.size <= self.range.upperBound, self.range.upperBound <= bytes.count else {
            return nil
        }
        return RTCPReportBlock(reading: bytes, at: offset)
    }

    // MARK: BYE

    /// The `index`th SSRC/CSRC a BYE says goodbye for.
    public func byeSource(at index: Int, in bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard self.packetType == .bye, index >= 0, index < self.count, self.range.upperBound <= bytes.count else {
            return nil
        }
        let offset = self.body.lowerBound + 4 * index
        guard offset + 4 <= self.range.upperBound else { return nil }
        return Self.readUInt32(bytes, at: offset)
    }

    /// The optional reason for leaving of a BYE, as bytes (UTF-8 text, RFC 3550 §6.6).
    public func byeReason(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard self.packetType == .bye, self.range.upperBound <= bytes.count else { return nil }
        let offset = self.body.lowerBound + 4 * self.count
        guard offset < self.range.upperBound else { return nil }
        let length = Int(bytes[offset])
        guard length > 0, offset + 1 + length <= self.range.upperBound else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[(offset + 1)..<(offset + 1 + length)])
    }

    // MARK: SDES

    /// The CNAME of the first SDES chunk that has one, with that chunk's SSRC (RFC 3550 §6.5.1).
    public func cname(in bytes: UnsafeRawBufferPointer) -> (ssrc: UInt32, value: UnsafeRawBufferPointer)? {
        guard self.packetType == .sourceDescription, self.range.upperBound <= bytes.count else { return nil }
        var found: (UInt32, UnsafeRawBufferPointer)? = nil
        var failure: RTCPError? = nil
        self.walkSourceDescription(bytes, failure: &failure) { ssrc, type, value in
            if found == nil && type == Self.cnameItemType { found = (ssrc, value) }
        }
        return found.map { (ssrc: $0.0, value: $0.1) }
    }

    /// Calls `body` for every SDES item: the chunk's SSRC, the item type and its text.
    public func forEachSourceDescriptionItem(
        in bytes: UnsafeRawBufferPointer,
        _ body: (UInt32, UInt8, UnsafeRawBufferPointer) -> Void
    ) {
        guard self.packetType == .sourceDescription, self.range.upperBound <= bytes.count else { return }
        var failure: RTCPError? = nil
        self.walkSourceDescription(bytes, failure: &failure, body)
    }

    /// RFC 3550 §6.5: `count` chunks, each an SSRC then items (type, length, text) ended by a zero type octet and
    /// padded with zeros to the next 32-bit boundary.
    private func walkSourceDescription(
        _ bytes: UnsafeRawBufferPointer,
        failure: inout RTCPError?,
        _ visit: (UInt32, UInt8, UnsafeRawBufferPointer) -> Void
    ) {
        let end = self.range.upperBound
        var offset = self.body.lowerBound
        for _ in 0..<self.count {
            guard offset + 4 <= end else {
                failure = RTCPError(.invalidSourceDescription, offset: offset)
                return
            }
            let ssrc = Self.readUInt32(bytes, at: offset)
            offset += 4
            while true {
                guard offset < end else {
                    failure = RTCPError(.invalidSourceDescription, offset: offset)
                    return
                }
                let type = bytes[offset]
                if type == 0 {
                    // End of the item list: skip the null octet and pad to a 32-bit boundary.
                    offset += 1
                    let start = self.range.lowerBound
                    offset = start + ((offset - start + 3) & ~3)
                    break
                }
                guard offset + 2 <= end else {
                    failure = RTCPError(.invalidSourceDescription, offset: offset)
                    return
                }
                let length = Int(bytes[offset + 1])
                guard offset + 2 + length <= end else {
                    failure = RTCPError(.invalidSourceDescription, offset: offset + 1)
                    return
                }
                visit(ssrc, type, UnsafeRawBufferPointer(rebasing: bytes[(offset + 2)..<(offset + 2 + length)]))
                offset += 2 + length
            }
        }
    }

    // MARK: Reading integers

    @inline(__always)
    static func readUInt16(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    static func readUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
