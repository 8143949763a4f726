/// What an operator configures for a room: who may enter it and how it behaves. Persisted by a ``RoomStore``.
public struct RoomDefinition: Sendable, Equatable, Codable {
    /// A name for people; not unique.
    public var name: String
    /// The number callers dial to reach the room (digits only).
    public var extensionNumber: String
    /// The PIN callers enter (digits only, at least one).
    public var pin: String
    /// Trunk numbers that reach the room, besides its extension.
    public var dids: [String]
    /// The music-on-hold class played to someone alone in the room.
    public var musicOnHoldClass: String
    /// Everything else, with ConfBridge's names (``RoomOptions``).
    public var options: RoomOptions
    /// The in-call DTMF menu (``RoomMenu/standard`` unless the room sets its own).
    public var menu: RoomMenu

    /// Makes a room definition; checked when it is stored.
    public init(
        name: String,
        extensionNumber: String,
        pin: String,
        dids: [String] = [],
        musicOnHoldClass: String = "default",
        options: RoomOptions = RoomOptions(),
        menu: RoomMenu = .standard
    ) {
        self.menu = menu
        self.name = name
        self.extensionNumber = extensionNumber
        self.pin = pin
        self.dids = dids
        self.musicOnHoldClass = musicOnHoldClass
        self.options = options
    }

    /// Checks the rules every stored room obeys; the error names the field at fault.
    public func validate() throws(ConferenceError) {
        if self.name.isEmpty || self.name.count > 128 {
            throw ConferenceError(.invalidRoom, "room name must be 1 to 128 characters")
        }
        if !Self.isDigits(self.extensionNumber, maxLength: 32) {
            throw ConferenceError(.invalidRoom, "extension '\(self.extensionNumber)' must be 1 to 32 digits")
        }
        if !Self.isDigits(self.pin, maxLength: 16) {
            throw ConferenceError(.invalidPIN, "PIN must be 1 to 16 digits (0-9), got '\(self.pin)'")
        }
        for did in self.dids where !Self.isDigits(did.hasPrefix("+") ? String(did.dropFirst()) : did, maxLength: 32) {
            throw ConferenceError(.invalidRoom, "DID '\(did)' must be digits, optionally with a leading +")
        }
        if let max = self.options.maxMembers, max < 1 {
            throw ConferenceError(.invalidRoom, "max_members must be at least 1")
        }
        if self.musicOnHoldClass.isEmpty || self.musicOnHoldClass.contains("/") || self.musicOnHoldClass.contains("..")
        {
            throw ConferenceError(.invalidRoom, "music-on-hold class '\(self.musicOnHoldClass)' is not a plain name")
        }
        if let admin = self.options.adminPIN, admin == self.pin {
            throw ConferenceError(.invalidPIN, "the admin PIN must differ from the room PIN")
        }
    }

    static func isDigits(_ text: String, maxLength: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= maxLength && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
