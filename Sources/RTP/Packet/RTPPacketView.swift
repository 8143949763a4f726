public import NIOCore

/// A validated view of one received RTP packet: its header fields and where its payload lies.
///
/// RFC 3550 §5.1 and §5.3.1. The view copies nothing: it holds the decoded fixed-header fields and the byte
/// range of the payload relative to the first byte that was parsed (for a `ByteBuffer`, its `readerIndex`).
/// Padding is stripped from the payload range; CSRC identifiers and a header extension are skipped after
/// checking that they fit. Every length read from the packet is bounds-checked, so any datagram is safe input.
public struct RTPPacketView: Hashable, Sendable {
    /// The fixed-header fields.
    public var header: RTPHeader
    /// Number of CSRC identifiers (CC) that followed the fixed header (RFC 3550 §5.1).
    public var csrcCount: Int
    /// The profile-defined 16 bits of the header extension, if the X bit was set (RFC 3550 §5.3.1).
    public var extensionProfile: UInt16?
    /// Number of padding octets removed from the end, including the count octet (RFC 3550 §5.1).
    public var paddingCount: Int
    /// Payload bytes, as offsets from the first parsed byte; padding excluded.
    public var payloadRange: Range<Int>

    /// Payload type PT.
    public var payloadType: UInt8 { self.header.payloadType }
    /// Marker bit M.
    public var marker: Bool { self.header.marker }
    /// Sequence number.
    public var sequenceNumber: UInt16 { self.header.sequenceNumber }
    /// Media timestamp.
    public var timestamp: UInt32 { self.header.timestamp }
    /// Synchronization source.
    public var ssrc: UInt32 { self.header.ssrc }

    /// Parses and validates an RTP packet.
    ///
    /// Rules checked, in order (RFC 3550 §5.1, §5.3.1):
    /// 1. at least 12 bytes for the fixed header;
    /// 2. version V is 2;
    /// 3. the 4·CC bytes of CSRC identifiers fit;
    /// 4. if X is set, the 4-byte extension header and its `length` 32-bit words fit;
    /// 5. if P is set, the last octet counts the padding including itself: it must be at least 1 and no
    ///    more than the bytes after the headers.
    ///
    /// - Throws: ``RTPError`` naming the first rule broken and its byte offset.
    public init(validating bytes: UnsafeRawBufferPointer) throws(RTPError) {
        let count = bytes.count
        guard count >= RTPHeader.fixedSize else { throw RTPError(.truncated, offset: count) }
        let b0 = bytes[0]
        let b1 = bytes[1]
        guard b0 >> 6 == RTPHeader.version else { throw RTPError(.unsupportedVersion, offset: 0) }
        let hasPadding = b0 & 0x20 != 0
        let hasExtension = b0 & 0x10 != 0
        let csrcCount = Int(b0 & 0x0F)

        var offset = RTPHeader.fixedSize + 4 * csrcCount
        guard offset <= count else { throw RTPError(.truncatedCSRCList, offset: RTPHeader.fixedSize) }

        var extensionProfile: UInt16? = nil
        if hasExtension {
            guard offset + 4 <= count else { throw RTPError(.truncatedExtension, offset: offset) }
            extensionProfile = Self.readUInt16(bytes, at: offset)
            let words = Int(Self.readUInt16(bytes, at: offset + 2))
            let end = offset + 4 + 4 * words
            guard end <= count else { throw RTPError(.truncatedExtension, offset: offset + 2) }
            offset = end
        }

        var paddingCount = 0
        if hasPadding {
            // The P bit promises at least the count octet itself after the headers.
            guard offset < count else { throw RTPError(.invalidPadding, offset: count) }
            paddingCount = Int(bytes[count - 1])
            guard paddingCount >= 1, paddingCount <= count - offset else {
                throw RTPError(.invalidPadding, offset: count - 1)
            }
        }

        self.header = RTPHeader(
            marker: b1 & 0x80 != 0,
            payloadType: b1 & 0x7F,
            sequenceNumber: Self.readUInt16(bytes, at: 2),
            timestamp: Self.readUInt32(bytes, at: 4),
            ssrc: Self.readUInt32(bytes, at: 8)
        )
        self.csrcCount = csrcCount
        self.extensionProfile = extensionProfile
        self.paddingCount = paddingCount
        self.payloadRange = offset..<(count - paddingCount)
    }

    /// Parses an RTP packet, returning `nil` for anything ``init(validating:)`` rejects.
    public init?(parsing bytes: UnsafeRawBufferPointer) {
        do {
            try self.init(validating: bytes)
        } catch {
            return nil
        }
    }

    /// Parses the readable bytes of `buffer` without moving its reader index or copying.
    ///
    /// ``payloadRange`` is relative to `buffer.readerIndex`; `payload(in:)` turns it into a slice of the same buffer.
    public init?(buffer: ByteBuffer) {
        let parsed: RTPPacketView? = buffer.withUnsafeReadableBytes { RTPPacketView(parsing: $0) }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The payload of the packet as a `ByteBuffer` slice sharing `buffer`'s storage (no copy).
    ///
    /// - Parameter buffer: the same buffer, with the same reader index, that was parsed.
    public func payload(in buffer: ByteBuffer) -> ByteBuffer? {
        buffer.getSlice(at: buffer.readerIndex + self.payloadRange.lowerBound, length: self.payloadRange.count)
    }

    /// The payload bytes within the same `bytes` that were parsed.
    public func payload(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard self.payloadRange.upperBound <= bytes.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[self.payloadRange])
    }

    /// The `index`th CSRC identifier in `bytes` (the same bytes that were parsed), if present.
    public func csrc(at index: Int, in bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard index >= 0, index < self.csrcCount else { return nil }
        let offset = RTPHeader.fixedSize + 4 * index
        guard offset + 4 <= bytes.count else { return nil }
        return Self.readUInt32(bytes, at: offset)
    }

    @inline(__always)
    static func readUInt16(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    static func readUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
