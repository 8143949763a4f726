/// ITU-T G.711 companding: μ-law and A-law, 8-bit codes for 16-bit linear PCM.
///
/// RTP payload types 0 (PCMU) and 8 (PCMA), RFC 3551 §4.5.14: one octet per sample at 8000 Hz, so a 20 ms
/// frame is 160 bytes. Decoding reads a 256-entry table built once from the G.711 expansion rule; encoding
/// finds the segment with a leading-zero count instead of a search. Linear samples are the full 16-bit range:
/// μ-law works on 14 significant bits (the bottom 2 are dropped), A-law on 13 (the bottom 3 are dropped).
public enum G711: Sendable {
    /// The companding law, which also fixes the RTP static payload type.
    public enum Law: Hashable, Sendable {
        /// μ-law (North America, Japan); PCMU, payload type 0.
        case muLaw
        /// A-law (Europe, rest of world); PCMA, payload type 8.
        case aLaw

        /// The static RTP payload type (RFC 3551 §6, Table 4).
        public var payloadType: UInt8 {
            switch self {
            case .muLaw: 0
            case .aLaw: 8
            }
        }

        /// The law for a static payload type, or `nil` if it is not 0 or 8.
        public init?(payloadType: UInt8) {
            switch payloadType {
            case 0: self = .muLaw
            case 8: self = .aLaw
            default: return nil
            }
        }

        /// The code for digital silence (a linear 0): 0xFF for μ-law, 0xD5 for A-law.
        public var silence: UInt8 {
            switch self {
            case .muLaw: 0xFF
            case .aLaw: 0xD5
            }
        }
    }

    // MARK: μ-law

    /// Bias added before μ-law segment search (G.711 §3: 33 in 14-bit units, 132 in 16-bit units).
    static let muLawBias: Int32 = 0x84
    /// Largest magnitude that still fits the top segment after the bias.
    static let muLawClip: Int32 = 32635

    /// Encodes one linear sample to μ-law.
    public static func encodeMuLaw(_ sample: Int16) -> UInt8 {
        var value = Int32(sample)
        let sign: UInt8 = value < 0 ? 0x80 : 0x00
        if value < 0 { value = -value }
        if value > muLawClip { value = muLawClip }
        value += muLawBias
        // Segment (exponent) is the position of the top set bit among bits 7...14, i.e. 0...7.
        let topBit = 31 - value.leadingZeroBitCount
        let exponent = topBit - 7
        let mantissa = UInt8(truncatingIfNeeded: value >> (exponent + 3)) & 0x0F
        return ~(sign | UInt8(exponent << 4) | mantissa)
    }

    /// Decodes one μ-law code to a linear sample (table look-up).
    public static func decodeMuLaw(_ code: UInt8) -> Int16 {
        muLawTable.withUnsafeBufferPointer { $0[Int(code)] }
    }

    /// G.711 μ-law expansion, used once to build the table.
    static func expandMuLaw(_ code: UInt8) -> Int16 {
        let inverted = ~code
        let exponent = Int32((inverted >> 4) & 0x07)
        let mantissa = Int32(inverted & 0x0F)
        let magnitude = (((mantissa << 3) + muLawBias) << exponent) - muLawBias
        return Int16(inverted & 0x80 != 0 ? -magnitude : magnitude)
    }

    static let muLawTable: [Int16] = (0...255).map { expandMuLaw(UInt8($0)) }

    // MARK: A-law

    /// Encodes one linear sample to A-law (even bits inverted, as G.711 transmits them).
    public static func encodeALaw(_ sample: Int16) -> UInt8 {
        // Work on 13-bit magnitude; negative values use one's complement magnitude as G.711 defines.
        var value = Int32(sample) >> 3
        let mask: UInt8
        if value >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            value = -value - 1
        }
        if value > 0x0FFF { value = 0x0FFF }
        // Segment 0 and 1 share step size 2; segment s >= 1 has its top bit at position s + 4.
        let segment = value < 0x20 ? 0 : (31 - value.leadingZeroBitCount) - 4
        let shift = segment < 2 ? 1 : segment
        let code = UInt8(segment << 4) | (UInt8(truncatingIfNeeded: value >> shift) & 0x0F)
        return code ^ mask
    }

    /// Decodes one A-law code to a linear sample (table look-up).
    public static func decodeALaw(_ code: UInt8) -> Int16 {
        aLawTable.withUnsafeBufferPointer { $0[Int(code)] }
    }

    /// G.711 A-law expansion, used once to build the table.
    static func expandALaw(_ code: UInt8) -> Int16 {
        let value = code ^ 0x55
        let segment = Int32((value >> 4) & 0x07)
        var magnitude = Int32(value & 0x0F) << 4
        switch segment {
        case 0: magnitude += 8
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return Int16(value & 0x80 != 0 ? magnitude : -magnitude)
    }

    static let aLawTable: [Int16] = (0...255).map { expandALaw(UInt8($0)) }

    // MARK: Buffers

    /// Encodes one sample with `law`.
    public static func encode(_ sample: Int16, law: Law) -> UInt8 {
        switch law {
        case .muLaw: encodeMuLaw(sample)
        case .aLaw: encodeALaw(sample)
        }
    }

    /// Decodes one code with `law`.
    public static func decode(_ code: UInt8, law: Law) -> Int16 {
        switch law {
        case .muLaw: decodeMuLaw(code)
        case .aLaw: decodeALaw(code)
        }
    }

    /// Decodes a G.711 payload into caller-provided samples; allocates nothing.
    ///
    /// - Returns: the number of samples written: `min(payload.count, samples.count)`.
    public static func decode(
        _ payload: UnsafeRawBufferPointer,
        law: Law,
        into samples: UnsafeMutableBufferPointer<Int16>
    ) -> Int {
        let count = min(payload.count, samples.count)
        let table = law == .muLaw ? muLawTable : aLawTable
        table.withUnsafeBufferPointer { table in
            for index in 0..<count {
                samples[index] = table[Int(payload[index])]
            }
        }
        return count
    }

    /// Encodes samples into a caller-provided payload buffer; allocates nothing.
    ///
    /// - Returns: the number of bytes written: `min(samples.count, payload.count)`.
    public static func encode(
        _ samples: UnsafeBufferPointer<Int16>,
        law: Law,
        into payload: UnsafeMutableRawBufferPointer
    ) -> Int {
        let count = min(samples.count, payload.count)
        switch law {
        case .muLaw:
            for index in 0..<count { payload[index] = encodeMuLaw(samples[index]) }
        case .aLaw:
            for index in 0..<count { payload[index] = encodeALaw(samples[index]) }
        }
        return count
    }
}
