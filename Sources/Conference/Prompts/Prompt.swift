/// A spoken prompt or tone the caller flow plays, named after the Debian sound file that carries it.
public enum Prompt: String, Sendable, CaseIterable {
    case enterPIN = "conf-getpin"
    case invalidPIN = "conf-invalidpin"
    case placedIntoConference = "conf-placeintoconf"
    case onlyPerson = "conf-onlyperson"
    case thereAre = "conf-thereare"
    case otherParticipants = "conf-otherinparty"
    case hasJoined = "conf-hasjoin"
    case hasLeft = "conf-hasleft"
    case locked = "conf-locked"
    case full = "conf-full"
    case muted = "conf-muted"
    case unmuted = "conf-unmuted"
    case goodbye = "vm-goodbye"
    case joinTone = "confbridge-join"
    case leaveTone = "confbridge-leave"
}
