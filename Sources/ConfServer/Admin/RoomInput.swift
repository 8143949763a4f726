import Conference

/// The body of `POST /rooms`, `PUT /rooms/{ext}` and `PATCH /rooms/{ext}`: every field optional, so one type
/// serves all three; each handler says which fields it needs.
struct RoomInput: Codable, Equatable, Sendable {
    var name: String?
    var extensionNumber: String?
    var pin: String?
    /// Length of a generated PIN, when `pin` is absent (4 to 16; default 6).
    var pinLength: Int?
    var dids: [String]?
    var musicOnHold: String?
    var options: [String: OptionValue]?
    /// The in-call DTMF menu, key sequence to ConfBridge action name (`{"*1": "toggle_mute"}`); replaces the
    /// whole menu when given.
    var menu: [String: String]?

    enum CodingKeys: String, CodingKey {
        case name, pin, dids, options, menu
        case extensionNumber = "extension"
        case pinLength = "pin_length"
        case musicOnHold = "music_on_hold"
    }

    /// The PIN length to generate, checked.
    func generatedPINLength() throws(AdminError) -> Int {
        let length = self.pinLength ?? 6
        guard (4...16).contains(length) else {
            throw AdminError(.invalidPIN, "pin_length must be 4 to 16, got \(length)")
        }
        return length
    }

    /// The menu given, checked; nil when the request has none. The error names the bad entry.
    func parsedMenu() throws(AdminError) -> RoomMenu? {
        guard let menu = self.menu else { return nil }
        do {
            return try RoomMenu(map: menu)
        } catch {
            throw AdminError(error)
        }
    }

    /// Applies `options` to `base` in name order; the first bad name or value stops with an error naming it.
    func applyOptions(to base: RoomOptions) throws(AdminError) -> RoomOptions {
        var options = base
        for (name, value) in (self.options ?? [:]).sorted(by: { $0.key < $1.key }) {
            do {
                try options.set(name, value.text)
            } catch {
                throw AdminError(error)
            }
        }
        return options
    }
}
