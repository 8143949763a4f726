import Testing

@testable import SIPCore

/// The RFC 4568 §6.1 example key (`inline:` base64 of 30 bytes of key and salt) and an offer that carries it.
private let exampleKey = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"

private let secureOffer = """
    v=0\r
    o=phone 1 1 IN IP4 192.0.2.9\r
    s=-\r
    c=IN IP4 192.0.2.9\r
    t=0 0\r
    m=audio 49170 RTP/SAVP 0 101\r
    a=rtpmap:101 telephone-event/8000\r
    a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(exampleKey)|2^20|1:4\r
    a=crypto:2 AES_256_CM_HMAC_SHA1_80 inline:\(exampleKey)\r
    a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:\(exampleKey)|2^31 WSH=64\r
    a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:\(exampleKey)\r

    """

@Suite("RFC 4568 SDES: a=crypto and RTP/SAVP")
struct SDESTests {
    let ourKey = [UInt8](0..<30)

    @Test("§9.1: a crypto line parses into tag, suite, key, lifetime and MKI, and prints back")
    func parse() throws {
        let line = try #require(SDPCryptoAttribute(parsing: "1 AES_CM_128_HMAC_SHA1_80 inline:\(exampleKey)|2^20|1:4"))
        #expect(line.tag == 1)
        #expect(line.suite == "AES_CM_128_HMAC_SHA1_80")
        #expect(line.keyMaterial?.count == 30)
        #expect(line.keyMaterial.map { Base64.encode($0) } == exampleKey)
        #expect(line.lifetime == "2^20")
        #expect(line.mki == "1:4")
        #expect(!line.isUsable(keyLength: 30), "an MKI is not supported")
        #expect(line.description == "1 AES_CM_128_HMAC_SHA1_80 inline:\(exampleKey)|2^20|1:4")
        let plain = try #require(SDPCryptoAttribute(parsing: "7 AES_CM_128_HMAC_SHA1_32 inline:\(exampleKey)"))
        #expect(plain.isUsable(keyLength: 30))
        #expect(SDPCryptoAttribute(parsing: "x AES_CM_128_HMAC_SHA1_80 inline:\(exampleKey)") == nil)
        #expect(SDPCryptoAttribute(parsing: "1 AES_CM_128_HMAC_SHA1_80") == nil)
        #expect(SDPCryptoAttribute(parsing: "1 AES_CM_128_HMAC_SHA1_80 uri:x")?.keyMaterial == nil)
        #expect(SDPCryptoAttribute(parsing: "1 AES_CM_128_HMAC_SHA1_80 inline:!!!!")?.keyMaterial == nil)
        let withParameter = try #require(
            SDPCryptoAttribute(parsing: "2 AES_CM_128_HMAC_SHA1_80 inline:\(exampleKey) UNENCRYPTED_SRTP")
        )
        #expect(!withParameter.isUsable(keyLength: 30), "session parameters we cannot honour refuse the line")
    }

    @Test("Base64 (RFC 4648) round trips every length and refuses bad text")
    func base64() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 53 &+ 7) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.decode("Zm9v YmFy") == nil)
        #expect(Base64.decode("Zm=9") == nil)
        #expect(Base64.decode("Z") == nil)
    }

    @Test("§7.1.2: the answerer takes the first usable line, answers its tag with its own key, keeps RTP/SAVP")
    func answer() throws {
        let offer = try SessionDescription(parsing: secureOffer)
        let (answer, negotiated) = try SDPOfferAnswer.answer(
            offer: offer,
            supported: [.pcmu],
            telephoneEvent: true,
            localAddress: "203.0.113.5",
            localPort: 40000,
            sessionID: 1,
            sdes: SDESKeying(
                suites: ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"],
                localKeyMaterial: self.ourKey
            )
        )
        // Line 1 has an MKI, line 2 an unknown suite: line 3 (with a window size hint) is the first usable one.
        let crypto = try #require(negotiated.crypto)
        #expect(crypto.tag == 3)
        #expect(crypto.suite == "AES_CM_128_HMAC_SHA1_32")
        #expect(crypto.localKeyMaterial == self.ourKey)
        #expect(crypto.remoteKeyMaterial.count == 30)
        let media = try #require(answer.media.first)
        #expect(media.proto == "RTP/SAVP")
        #expect(media.cryptoAttributes.count == 1)
        #expect(media.cryptoAttributes.first?.tag == 3)
        #expect(media.cryptoAttributes.first?.keyMaterial == self.ourKey)
        // The offerer reads the answer back and pairs it with its own line 3.
        let reread = try SessionDescription(parsing: answer.description)
        let seen = try SDPOfferAnswer.negotiated(answer: reread, offer: offer)
        #expect(seen.crypto?.tag == 3)
        #expect(seen.crypto?.remoteKeyMaterial == self.ourKey)
        #expect(seen.crypto?.localKeyMaterial == crypto.remoteKeyMaterial)
    }

    @Test("An RTP/SAVP offer without SDES keying (signalling not over TLS) has no acceptable stream: 488")
    func refusedWithoutKeying() throws {
        let offer = try SessionDescription(parsing: secureOffer)
        #expect(throws: SDPError(.noCommonCodec)) {
            try SDPOfferAnswer.answer(
                offer: offer,
                supported: [.pcmu],
                telephoneEvent: true,
                localAddress: "203.0.113.5",
                localPort: 40000,
                sessionID: 1
            )
        }
        #expect(SDPError(.noCommonCodec).sipStatusCode == 488)
    }

    @Test("An offer built with crypto lines is RTP/SAVP; a plain answer to it is not usable")
    func offer() throws {
        let line = SDPCryptoAttribute(tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keyMaterial: self.ourKey)
        let offer = SDPOfferAnswer.offer(
            codecs: [.pcmu],
            localAddress: "192.0.2.1",
            localPort: 5000,
            sessionID: 9,
            crypto: [line]
        )
        let media = try #require(offer.media.first)
        #expect(media.isSecureRTP)
        #expect(media.attribute("crypto") == "1 AES_CM_128_HMAC_SHA1_80 inline:\(Base64.encode(self.ourKey))")
        let plainAnswer = try SessionDescription(
            parsing:
                "v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n"
        )
        #expect(throws: SDPError(.noMedia)) { try SDPOfferAnswer.negotiated(answer: plainAnswer, offer: offer) }
    }
}
