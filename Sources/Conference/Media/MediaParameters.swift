import NIOCore
import RTP

/// What offer/answer settled for one leg, in the terms the media layer needs.
struct MediaParameters: Sendable {
    var law: G711.Law
    var payloadType: UInt8
    var telephoneEventPayloadType: UInt8?
    var remote: SocketAddress?
    var ptimeMilliseconds: Int
}
