public import NIOCore

extension SRTPSender {
    /// Protects the RTP packet that is `buffer`'s readable bytes, in place; the tag is appended.
    ///
    /// No allocation when `buffer` is uniquely referenced and has room for the tag.
    public mutating func protectRTP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        let length = buffer.readableBytes
        buffer.writeRepeatingByte(0, count: self.profile.rtpTagLength)
        var result: Result<Int, SRTPError> = .failure(SRTPError(.truncated))
        buffer.withUnsafeMutableReadableBytes { bytes in
            do throws(SRTPError) {
                result = .success(try self.protectRTP(bytes, length: length))
            } catch {
                result = .failure(error)
            }
        }
        try Self.finish(&buffer, length: length, result: result)
    }

    /// Protects the RTCP compound packet that is `buffer`'s readable bytes, in place; index and tag are appended.
    public mutating func protectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        let length = buffer.readableBytes
        buffer.writeRepeatingByte(0, count: Self.rtcpOverhead)
        var result: Result<Int, SRTPError> = .failure(SRTPError(.truncated))
        buffer.withUnsafeMutableReadableBytes { bytes in
            do throws(SRTPError) {
                result = .success(try self.protectRTCP(bytes, length: length))
            } catch {
                result = .failure(error)
            }
        }
        try Self.finish(&buffer, length: length, result: result)
    }

    private static func finish(
        _ buffer: inout ByteBuffer,
        length: Int,
        result: Result<Int, SRTPError>
    ) throws(SRTPError) {
        switch result {
        case .success(let protected):
            buffer.moveWriterIndex(to: buffer.readerIndex + protected)
        case .failure(let error):
            buffer.moveWriterIndex(to: buffer.readerIndex + length)
            throw error
        }
    }
}

extension Optional where Wrapped == SRTPSender {
    /// Readies a compound RTCP packet for the wire on a leg that may or may not be secure: unchanged without a
    /// sender, protected in place with one. False when protection failed, so the caller sends nothing rather than
    /// RTCP in clear on an SRTP call.
    package mutating func protectRTCPIfSecure(_ buffer: inout ByteBuffer) -> Bool {
        guard self != nil else { return true }
        do {
            try self?.protectRTCP(&buffer)
            return true
        } catch {
            return false
        }
    }
}
