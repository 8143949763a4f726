import Testing

@testable import RTP

/// Interoperability with an independent G.722 implementation: sippy/libg722 1.2.8 (PyPI `G722`, a C library
/// used by SIP software), 64 kbit/s, 16-bit input.
///
/// The fixture: ``signal(count:)`` (triangle + noise, a Nyquist-rate stretch for the higher band, a loud burst
/// for clipping) encoded by libg722 in 320-sample frames with one encoder, and those octets decoded by one
/// decoder. Regenerate with Python: `enc, dec = G722.G722(16000, 64000), G722.G722(16000, 64000)`, then per
/// frame `c = enc.encode(array.array('h', x[i:i+320]))` and `dec.decode(c)`; the signal is the same integer
/// formula as below.
@Suite("G.722 against an independent implementation")
struct G722InteropTests {
    /// The test signal; integer arithmetic only, so both sides generate it bit for bit.
    static func signal(count: Int = 4000) -> [Int16] {
        var state: Int64 = 12345
        return (0..<count).map { n in
            state = (state * 1_103_515_245 + 12345) % (1 << 31)
            let noise = (state >> 16) % 8192 - 4096
            let t = Int64(n % 37)
            let triangle = (t < 19 ? t : 37 - t) * 1500 - 13500
            let high: Int64 = (2000..<3000).contains(n) ? (n % 2 == 0 ? 3000 : -3000) : 0
            let burst: Int64 = (3000..<3100).contains(n) ? 20000 : 0
            return Int16(clamping: triangle + noise + high + burst)
        }
    }

    /// libg722's octets for ``signal(count:)``.
    static let referenceCodes: [UInt8] = {
        let hex = [
            "2e8420842084048c9696bcb1aea8a72628b1b4790e93930b9295977b7f376d712bab707c34bf9f1751510ed1ff3bbd7a",
            "356ee82cec7834dc537bfe588bd55afa3f76d8e931afecb5777ad6f75990d7d39e9c5672fe31f375a67f367cdebb5b53",
            "d0101b99597c3459acabf334f0db357c7fd71752927ddb9977fe36746677701afb35b99678cbfc14dddb7353f23a6f6d",
            "5ffbbab41dfe4bf45592bf987ebb58f5702df1b17e7b5c7193d2f40abb7bd65878feaf9ce4f83a7678df1f5dd9ccd3bd",
            "be58f61c5baae9b6bd2ffe79d6771b9352dcdd16f15c3e2bfc772457357752afd5d45dd69f9c7973d878796739b31332",
            "74d8d859d33c97f4ce6cdebb9f69f5ee57749e3e3b15d31d53de73f8d132f9eb7b311f3872fdfac934537991bddb717a",
            "172afa73aedb9c71fe9a58fe4e526f545ebe6ebc742e6cbfdaea937b7d561614536c7e1e9d75b0b46dec5fdbf85ebffc",
            "4b5f4e2fdb1571bb325a6e746e7f1ab2985c52bc5316f615fdfd70705b28ef3c36599ef4da55538dbff87d99f6fdac6c",
            "6875783e7fd46cd30f7e13b89a3adb6f5c2ef06bd7365fdc5bf45095d19e1f6d16f732f9e8f4de78773794d5ff5bcf94",
            "7db67514ee71f56ff09a6e193b3995555090b755f5dcb75c2d6f6b7f9535739759d31a19d458701b7f6ef075b8ec7f7c",
            "eb8e789b51dd55be1b2ed97e7a6b5fe79c97729bb6d758d49798d86b957efcf272aaf9d65832bc9d56dfd3d3bb7d7ab7",
            "da70326fae7a3d185c799cced49a1857deedd7776c2fb5b63c5cf93556ddd09250f8f93d5b7cf72974f4e65438542f4d",
            "755c0c1c375ff05c3bbaabf07a576e5c1575923ed810dc36f6f8f57877b0e7977956745d97d99695bede74da6e7318ac",
            "6ffbbbfc9271d9159d51fb936f5ad9ec6f9deffbb759db70d6b2d00e7f9ed86b135c713231f83656f6f019db133fd4d5",
            "3bde717fdff56ef5a8379599fe77deced29a1fb9d8f759f8ea30762cd9fcfd75969396fa4a5c6b4f773137b974eff595",
            "f51a3d575d149b5e9a72715b5eebed74367db99a7e99fc17ca57f2d8b61b796afbb6691e55345e5d5f94599215f6f351",
            "f5f2337fea741e57f1d53d579c5cc9f46d96196eb8f0bc6edebef7dcb97e4bfdd418b45f1e7538b2eed967d47ef25d9d",
            "99581751f61ef195edbcb3f0affd5a7bfa7e9355f9cbdeef9956b0773aaefd72dfbeb05bb95dcd105c755373fe1aeeaf",
            "346ff24f6cbd3d15ded05558f05c7915352e6e6fdf9fb4f698df14584e5b38fcdd6e54b373b36cf37a57bb983cd3dc57",
            "916f98bfdbf16b5d6cf5b77db8d35fb65112d4d731de5b6d3338e75f34b9be7e547a5f0e96d0b31977fbf8dbe9ef3075",
            "98d6f63c53d855915d743dd5ee7db2e86abad739dd779a96d88e5bb7d8783ab56e706cf39afefa1efc91f8cd8f7f2f1b",
            "3856706a322f79da3a36774d59db135a7f361c5cf53629fc6752335bf4137dd9d3193b5d37dd38fd66fb6e3d7f5830df",
            "1e4e1cce78dd305632fe362ceb75da5a74de7c550e1addfe38526c3df2f02bf9383d17fc7a7a49dc4e343b7d3e5a2ff4",
            "f034e83c5a1ed87f7c4e7e4d54f23f747c2eb42e727312b315dc364e5a5a9230797af87f33eb7c6b19dc761bdbdc4f7e",
            "541b3ade705869327f296d5b7ed87818790914fc75dbf832be34eb34b039d65e5ef555121a927578526b5938ab3bfa6d",
            "de7ddaff1ad13b555076d12f5a6dfc7bec2b1b3855b97f515515d6fc38196ff93aab743275d8fa3d541f7fcf4f37fc19",
            "6ed4ed337f2fee52b63adbdd5614d276195a35b41a70eafdf2345ff3d53b51bf0cfe165bff73f20fef2e75717450ee59",
            "127c3996d15a703f387a34f4ad33edcc32573afb5b90575d7bf63e7e733eecee345c54b71c565c55df159436db72306d",
            "f8ff2af71c4e6adcd610bfd456ed3a7b1d1ab06972f44d2e7d545d553e5d8ffa721a355f71edf86a167856fb35d24f30",
            "d414707f39bbdc2e6bdb2f7fdbdc1d7bdb4e5550b82e583db533fa2fe81df554dbdef8541f0c1bf7fb3bfb3a75edf269",
            "764d7917341f5693dada36755b35ea38736b55d8f354387b161195d4337cef57771b28ea3fdfd576567613de1811da7b",
            "6d58ed3b5e2ee939dad2705b78d0141ccd24a31baf70ed2deeed77efdcf3be1dffaf5f7b2bb2706df2ac6d72f433fa1e",
            "b9f9786c917d6b6f5ff1ad34f2eb5ef16f94388b11b1db5d74f5bcfb3c73eddf7178da989fda3bf7ccd4d1f3dab53168",
            "12699d6cf6d71cdd503ed07552fdf837dabb2bdfac6ff91dd3ff1cdddb91d810f432de34efddaa7ca85a187a1cff52be",
            "ccdb1aed5d756e1cfbacf567d259dfdb59f813119c753dee9b792b7cb471f79fd9fa0e7754145377dbb45d2b72f673f9",
            "f438193ecdf35050501ebaebd8dcb26cf2bf2bd8d437df97ffd552181d7cb4f1f83a6ab56d5d3afd794bf579519613fc",
            "b0bcbfeedf70b1ef1ff6db997f17cf7a9253f2f3ff1a742ef06fb35773d63edfd1bd1353b4ba75ff74705ded6cee93fc",
            "be1bfad15c4b735232753ff674af34f99cfb9dfbd44efbd8d23613b0f071186cad7038977a1cd6f891d7d37df1db345f",
            "312ffbeb6d92f5d4f894595599d51e2edf7adee968bb39bb51ba547ed57e928cf3572efc34f8ecb476fef0961b9fd559",
            "1c4ed16d78da327d6ff5b7acdefb59de149d4f56befcd6b2556a36fcf867573658bb58f5d48f947e35fd3cecf6de716b",
            "b3d3febb9e5b54fb0f5499afdef27478b5ed3071d73f583dd7599814cc707a73bbfc6db674edfaf8141ffe985cc85d1f",
            "745db6feb33178acafcfaed59673de50529c6f56bbbc7372f09f72b59af298d5",
        ].joined()
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }()

    /// FNV-1a (64-bit) over libg722's decoded samples, little-endian, and a few of them.
    static let referenceDecodedHash: UInt64 = 0xcdae_2d56_ac98_4a8e
    static let referenceDecodedSamples: [(Int, [Int16])] = [
        (0, [0, -1, -1, 0, 0, -2, -1, 5]), (1000, [8455, 13731, 14755, 14804]),
        (2500, [-9731, -18141, -5360, -13440]), (3050, [14562, 10478, 9034, 15015]),
    ]

    static func fnv1a(_ samples: [Int16]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            for byte in [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8)] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }

    @Test("the encoder is bit-exact with libg722")
    func encoderMatches() {
        let input = Self.signal()
        var encoder = G722Encoder()
        var codes = [UInt8](repeating: 0, count: input.count / 2)
        var offset = 0
        while offset < input.count {
            let end = min(offset + 320, input.count)
            let written = input[offset..<end].withUnsafeBufferPointer { samples in
                codes.withUnsafeMutableBytes { bytes in
                    encoder.encode(samples, into: UnsafeMutableRawBufferPointer(rebasing: bytes[(offset / 2)...]))
                }
            }
            #expect(written == (end - offset) / 2)
            offset = end
        }
        #expect(Self.referenceCodes.count == 2000)
        let firstDifference = zip(codes, Self.referenceCodes).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "first differing octet: \(String(describing: firstDifference))")
    }

    @Test("the decoder is bit-exact with libg722")
    func decoderMatches() {
        var decoder = G722Decoder()
        var samples = [Int16](repeating: 0, count: 2 * Self.referenceCodes.count)
        let count = Self.referenceCodes.withUnsafeBytes { bytes in
            samples.withUnsafeMutableBufferPointer { decoder.decode(bytes, into: $0) }
        }
        #expect(count == 4000)
        for (start, expected) in Self.referenceDecodedSamples {
            #expect(Array(samples[start..<(start + expected.count)]) == expected, "samples at \(start)")
        }
        #expect(Self.fnv1a(samples) == Self.referenceDecodedHash)
    }
}
