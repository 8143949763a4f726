import NIOCore
import NIOEmbedded
import RTP

@testable import Conference

/// A G.711 µ-law media leg on an embedded channel, connected to a fixed caller address: what it sends can be read
/// off the channel, and packets are fed to it by hand. Shared by the media-leg unit tests.
enum MediaLegFixture {
    static let remote: SocketAddress = {
        do { return try SocketAddress(ipAddress: "127.0.0.1", port: 40000) } catch { fatalError("\(error)") }
    }()

    /// A leg with the caller's `ptime`, in a room mixing at `audioRate` in frames of `frameMilliseconds`.
    static func muLawLeg(
        ptime: Int = 20,
        audioRate: Int = 8000,
        frameMilliseconds: Int = 20
    ) throws -> (MediaLeg, EmbeddedChannel) {
        let channel = EmbeddedChannel()
        try channel.connect(to: Self.remote).wait()
        let parameters = MediaParameters(
            law: .muLaw,
            wideband: nil,
            payloadType: 0,
            telephoneEventPayloadType: 101,
            remote: Self.remote,
            ptimeMilliseconds: ptime,
            secure: nil
        )
        let leg = MediaLeg(
            channel: channel,
            localPort: 30000,
            parameters: parameters,
            audioRate: audioRate,
            frameMilliseconds: frameMilliseconds
        )
        return (leg, channel)
    }
}
