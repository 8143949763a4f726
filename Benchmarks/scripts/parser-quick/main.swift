// Timing loop for Benchmarks/scripts/parser-quick/run.sh (see there); compiled together with SIPCore's message files.
import Glibc
import NIOCore

@_silgen_name("harness_mallocs") func harnessMallocs() -> Int
@_silgen_name("cosip_init") func cosipInit() -> Int32
@_silgen_name("cosip_parse") func cosipParse(_ bytes: UnsafePointer<CChar>, _ length: Int) -> Int32

func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

let sdp =
    "v=0\r\n" + "o=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\n" + "s=Parley call\r\n"
    + "c=IN IP4 192.0.2.101\r\n" + "t=0 0\r\n" + "m=audio 49170 RTP/AVP 0 8 101\r\n"
    + "a=rtpmap:0 PCMU/8000\r\n" + "a=rtpmap:8 PCMA/8000\r\n" + "a=rtpmap:101 telephone-event/8000\r\n"
    + "a=fmtp:101 0-16\r\n" + "a=ptime:20\r\n" + "a=sendrecv\r\n"
let inviteText =
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
let invite: [UInt8] = Array(inviteText.utf8)
let mode = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "sip"
let iterations = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 10000 : 10000
let parser = SIPMessageParser()
var sink = 0
_ = cosipInit()
var buffer = ByteBufferAllocator().buffer(capacity: 2048)
guard case .request(let parsed) = try parser.parseDatagram(invite) else { fatalError() }
func once() {
    switch mode {
    case "sip": if case .request(let r) = try! parser.parseDatagram(invite) { sink &+= r.headers.count }
    case "ser":
        buffer.clear()
        parsed.serialize(into: &buffer)
        sink &+= buffer.readableBytes
    case "osip": invite.withUnsafeBytes { sink &+= Int(cosipParse($0.baseAddress!.assumingMemoryBound(to: CChar.self), invite.count)) }
    default: break
    }
}
for _ in 0..<200 { once() }
var samples: [UInt64] = []
samples.reserveCapacity(iterations)
let m0 = harnessMallocs()
for _ in 0..<iterations {
    let t0 = now()
    once()
    samples.append(now() - t0)
}
let m1 = harnessMallocs()
samples.sort()
print("\(mode): p50 \(samples[samples.count / 2]) ns, p10 \(samples[samples.count / 10]) ns, mallocs/op \(Double(m1 - m0) / Double(iterations)) sink \(sink % 7)")
