import Conference
import Hummingbird

/// A room as the admin API shows it. Secrets (the PIN and the admin PIN) read `******` unless asked for.
struct RoomResource: ResponseCodable, Equatable, Sendable {
    /// What a hidden secret reads as.
    static let hidden = "******"

    var name: String
    var extensionNumber: String
    var pin: String
    var dids: [String]
    var musicOnHold: String
    /// Every ConfBridge option by name, with its value as text (`"yes"`, `"none"`, `"160"`).
    var options: [String: String]
    /// The in-call DTMF menu: key sequence to ConfBridge action name.
    var menu: [String: String]

    enum CodingKeys: String, CodingKey {
        case name, pin, dids, options, menu
        case extensionNumber = "extension"
        case musicOnHold = "music_on_hold"
    }

    /// The resource for a stored room; `showPIN` reveals the PIN and the admin PIN.
    init(_ room: RoomDefinition, showPIN: Bool) {
        self.name = room.name
        self.extensionNumber = room.extensionNumber
        self.pin = showPIN ? room.pin : Self.hidden
        self.dids = room.dids
        self.musicOnHold = room.musicOnHoldClass
        var options: [String: String] = [:]
        for assignment in room.options.assignments {
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            let name = String(assignment[..<equals])
            let value = String(assignment[assignment.index(after: equals)...])
            options[name] = name == "admin_pin" && !showPIN && value != "none" ? Self.hidden : value
        }
        self.options = options
        self.menu = room.menu.map
    }
}
