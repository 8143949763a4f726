import NIOCore
import RTP
import SIPCore

/// The signalling side of one participant's call: the dialog, and where their media went.
///
/// Calls come in (an INVITE from a phone or a PBX) or go out (an admin's dial-out, or a REFER from a
/// participant). Confined to the bridge's SIP event loop.
final class Call {
    enum State {
        /// Media being set up (or, outbound, the INVITE on its way); a CANCEL still ends it.
        /// Next: ringing, answered, ended.
        case settingUp
        /// 180 sent, 200 OK waiting for the ring time. Next: answered, ended.
        case ringing
        /// 200 OK sent (or received); the caller is in the room's caller flow. Next: ended.
        case answered
        case ended
    }

    let callID: String
    let room: ConferenceRoom
    let participantID: ParticipantID
    let localTag: String
    /// The INVITE that brought an inbound call (nil for calls Parley placed).
    let invite: ServerTransaction?
    /// Our From/To header value in this dialog, with our tag (RFC 3261 §12.1).
    var localAddressHeader: String
    /// The peer's header value, with their tag once known.
    var remoteAddressHeader: String
    /// Where in-dialog requests are addressed (the peer's Contact).
    var remoteTarget: SIPURI
    /// Where in-dialog requests are sent (the address the peer's messages come from: symmetric signalling).
    var destination: SocketAddress
    var remoteTag: String?
    /// The dialog's route set (RFC 3261 §12.1): the INVITE's Record-Route values in order for an inbound call,
    /// the 2xx's reversed for one we placed. Empty when no proxy record-routed; requests then go straight to
    /// ``destination``.
    var routeSet: [String] = []
    var state: State = .settingUp
    var answer: SessionDescription?
    var rtpPort: Int?
    var localCSeq: UInt32 = 1
    var leg: MediaLeg?
    /// Our SRTP master key and salt for this call, put in every SDP answer when the call is secure (SDES keys
    /// stay the same across re-INVITEs, so the sending context and its rollover counter carry on).
    let srtpKeyMaterial = SRTPMasterKey.random().concatenated
    /// Set for callers who skip the PIN (dial-out, REFER, attended transfer into a held call).
    var admitted: CallerFlow.Role?
    var displayName: String
    /// The transport the dialog uses (requests we send go the same way the caller came).
    var transport: SIPTransportKind = .udp
    /// For an attended transfer: the call this one takes over once answered (RFC 3891).
    var replacing: Call?
    /// The participant this call's party replaces in the room (set when the transfer completes).
    var replacedParticipant: ParticipantID?
    /// The Session-Expires agreed for the dialog (RFC 4028), put in our 2xx; nil when no session timer runs.
    var sessionExpires: SessionExpiresHeader?
    /// Whether our 2xx carries `Require: timer` (the caller supports session timers).
    var requireTimer = false
    /// The dialog's session timer once the call is answered, and the tasks running its timers.
    var sessionTimer: SessionTimer?
    var sessionTimerTasks: [SessionTimer.Timer: Scheduled<Void>] = [:]
    /// Whether our session refreshes are UPDATEs or re-INVITEs (from the peer's Allow, and its 405/501).
    var refreshMethod = SessionRefreshMethod()

    init(
        callID: String,
        room: ConferenceRoom,
        participantID: ParticipantID,
        localTag: String,
        invite: ServerTransaction?,
        localAddressHeader: String,
        remoteAddressHeader: String,
        remoteTarget: SIPURI,
        destination: SocketAddress,
        displayName: String
    ) {
        self.callID = callID
        self.room = room
        self.participantID = participantID
        self.localTag = localTag
        self.invite = invite
        self.localAddressHeader = localAddressHeader
        self.remoteAddressHeader = remoteAddressHeader
        self.remoteTarget = remoteTarget
        self.destination = destination
        self.displayName = displayName
    }

    /// A call for an inbound INVITE: the dialog's addresses come from the request (RFC 3261 §12.1.1).
    convenience init(
        inbound transaction: ServerTransaction,
        callID: String,
        room: ConferenceRoom,
        participantID: ParticipantID
    ) {
        let request = transaction.request
        var to = request.headers.to
        to?.tag = transaction.localTag
        let target = request.headers.contacts.first?.uri ?? request.headers.from?.uri ?? request.uri
        let from = request.headers.from
        self.init(
            callID: callID,
            room: room,
            participantID: participantID,
            localTag: transaction.localTag,
            invite: transaction,
            localAddressHeader: to.map { String(describing: $0) } ?? "<sip:parley@invalid>;tag=\(transaction.localTag)",
            remoteAddressHeader: request.headers[.from] ?? "",
            remoteTarget: target,
            destination: transaction.source,
            displayName: from?.displayName ?? from?.uri.user ?? "caller"
        )
        self.remoteTag = from?.tag
        self.routeSet = request.headers.values(.recordRoute)
        self.transport = transaction.transport
        self.refreshMethod.learn(from: request.headers)
    }

    /// Whether `replaces` (RFC 3891) names this call's dialog as seen from the sender of the new INVITE.
    func matches(_ replaces: ReplacesHeader) -> Bool {
        // The Replaces to-tag is the tag of the side receiving the new INVITE (us); from-tag is the other side's.
        replaces.callID == self.callID && replaces.toTag == self.localTag && replaces.fromTag == self.remoteTag
    }
}
