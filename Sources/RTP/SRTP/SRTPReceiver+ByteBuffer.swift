public import NIOCore

extension SRTPReceiver {
    /// Checks and decrypts the SRTP packet that is `buffer`'s readable bytes, in place; on success the readable
    /// bytes are the RTP packet (tag removed). On failure `buffer` is unchanged.
    ///
    /// No allocation when `buffer` is uniquely referenced (otherwise NIO copies it before writing).
    public mutating func unprotectRTP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        var result: Result<Int, SRTPError> = .failure(SRTPError(.truncated))
        buffer.withUnsafeMutableReadableBytes { bytes in
            do throws(SRTPError) {
                result = .success(try self.unprotectRTP(bytes))
            } catch {
                result = .failure(error)
            }
        }
        buffer.moveWriterIndex(to: buffer.readerIndex + (try result.get()))
    }

    /// Checks and decrypts the SRTCP packet that is `buffer`'s readable bytes, in place.
    public mutating func unprotectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        var result: Result<Int, SRTPError> = .failure(SRTPError(.truncated))
        buffer.withUnsafeMutableReadableBytes { bytes in
            do throws(SRTPError) {
                result = .success(try self.unprotectRTCP(bytes))
            } catch {
                result = .failure(error)
            }
        }
        buffer.moveWriterIndex(to: buffer.readerIndex + (try result.get()))
    }
}
