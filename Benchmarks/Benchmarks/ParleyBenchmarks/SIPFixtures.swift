/// Messages the SIP benchmarks parse: what a desk phone behind a NAT sends to join a conference.
enum SIPFixtures {
    static let sdp =
        "v=0\r\n"
        + "o=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\n"
        + "s=Parley call\r\n"
        + "c=IN IP4 192.0.2.101\r\n"
        + "t=0 0\r\n"
        + "m=audio 49170 RTP/AVP 0 8 101\r\n"
        + "a=rtpmap:0 PCMU/8000\r\n"
        + "a=rtpmap:8 PCMA/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\n"
        + "a=fmtp:101 0-16\r\n"
        + "a=ptime:20\r\n"
        + "a=sendrecv\r\n"

    /// A realistic INVITE with an SDP offer: 2 Vias, display names, tags, Contact with parameters, Allow,
    /// Supported and a 3-codec offer (PCMU, PCMA, telephone-event). About 850 bytes.
    static let inviteText =
        "INVITE sip:1001@conference.example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK776asdhds;rport\r\n"
        + "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKnashds8;received=198.51.100.7\r\n"
        + "Max-Forwards: 69\r\n"
        + "From: \"Alice Liddell\" <sip:alice@example.com>;tag=1928301774\r\n"
        + "To: <sip:1001@conference.example.com>\r\n"
        + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
        + "CSeq: 314159 INVITE\r\n"
        + "Contact: <sip:alice@192.0.2.101:5060;transport=udp>;expires=3600\r\n"
        + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE\r\n"
        + "Supported: replaces, timer, 100rel\r\n"
        + "Content-Type: application/sdp\r\n"
        + "Content-Length: \(sdp.utf8.count)\r\n"
        + "\r\n"
        + sdp

    static let invite: [UInt8] = Array(inviteText.utf8)

    /// The ACK to the 200 (OK) that ends the INVITE transaction (RFC 3261 §13.2.2.4).
    static let ackText =
        "ACK sip:1001@conference.example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK776asdhds2;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: \"Alice Liddell\" <sip:alice@example.com>;tag=1928301774\r\n"
        + "To: <sip:1001@conference.example.com>;tag=a6c85cf\r\n"
        + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
        + "CSeq: 314159 ACK\r\n"
        + "Content-Length: 0\r\n"
        + "\r\n"

    static let ack: [UInt8] = Array(ackText.utf8)
}
