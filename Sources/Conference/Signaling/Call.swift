import NIOCore
import RTP
import SIPCore

/// The signalling side of one caller: their INVITE, the dialog it made, and where their media went.
///
/// Confined to the bridge's SIP event loop.
final class Call {
    enum State {
        /// Media being set up; a CANCEL still ends it. Next: ringing, answered, ended.
        case settingUp
        /// 180 sent, 200 OK waiting for the ring time. Next: answered, ended.
        case ringing
        /// 200 OK sent; the caller is in the room's caller flow. Next: ended.
        case answered
        case ended
    }

    let callID: String
    let invite: ServerTransaction
    let room: ConferenceRoom
    let participantID: ParticipantID
    let localTag: String
    var state: State = .settingUp
    var answer: SessionDescription?
    var rtpPort: Int?
    var localCSeq: UInt32 = 1
    var leg: MediaLeg?

    init(callID: String, invite: ServerTransaction, room: ConferenceRoom, participantID: ParticipantID, localTag: String)
    {
        self.callID = callID
        self.invite = invite
        self.room = room
        self.participantID = participantID
        self.localTag = localTag
    }

    /// Our From for requests we send in this dialog: the caller's To plus our tag (RFC 3261 §12.1.1).
    var localAddress: String {
        guard var to = self.invite.request.headers.to else { return "<sip:parley@invalid>;tag=\(self.localTag)" }
        to.tag = self.localTag
        return String(describing: to)
    }

    /// The caller's From, tag included: our To in requests we send.
    var remoteAddress: String { self.invite.request.headers[.from] ?? "" }

    /// Where in-dialog requests go: the caller's Contact (RFC 3261 §12.1.1), else their From URI.
    var remoteTarget: SIPURI {
        if let contact = self.invite.request.headers.contacts.first { return contact.uri }
        if let from = self.invite.request.headers.from { return from.uri }
        return self.invite.request.uri
    }
}
