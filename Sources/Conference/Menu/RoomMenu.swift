import Foundation

/// A room's in-call DTMF menu: which key sequence does what, ConfBridge-style, set per room.
///
/// Each entry maps a sequence of 1 to 8 keys (`0`-`9`, `*`, `#`) to a ``CallerFlow/MenuAction`` named as in
/// ConfBridge's menus (`toggle_mute`, `leave_conference`, `admin_kick_last`, ...). Admin actions in the menu
/// work only for admin callers; an ordinary caller who keys one hears "invalid". A menu is checked when it is
/// made: no sequence may be a prefix of another (the longer one could never be reached), so matching is
/// unambiguous digit by digit. The text form, `*1=toggle_mute,*#=leave_conference`, is what the CLI takes and
/// what the room store keeps.
public struct RoomMenu: Sendable, Equatable, Codable, CustomStringConvertible {
    /// One key sequence and its action.
    public struct Entry: Sendable, Equatable {
        /// The key sequence, 1 to 8 of `0`-`9`, `*`, `#`.
        public var keys: String
        /// What the sequence does.
        public var action: CallerFlow.MenuAction

        /// Makes an entry; the menu checks it when it is built.
        public init(keys: String, action: CallerFlow.MenuAction) {
            self.keys = keys
            self.action = action
        }
    }

    /// The entries, sorted by key sequence.
    public private(set) var entries: [Entry]

    /// The longest key sequence accepted.
    public static let maximumSequenceLength = 8

    /// ConfBridge's default user and admin menus: `*1` mute, `*4`/`*5`/`*6` listen volume down/reset/up,
    /// `*7`/`*0`/`*9` talk volume down/reset/up, `*#` leave; admins also `*2` lock, `*3` kick the last joined,
    /// `*8` mute everyone else.
    public static let standard = RoomMenu(
        unchecked: CallerFlow.MenuAction.allCases.map { Entry(keys: "*" + String($0.key), action: $0) }
    )

    private init(unchecked entries: [Entry]) {
        self.entries = entries.sorted { $0.keys < $1.keys }
    }

    /// A menu from entries; refuses a bad key sequence, a duplicate, or a sequence that is a prefix of another.
    public init(_ entries: [Entry]) throws(ConferenceError) {
        for entry in entries {
            guard !entry.keys.isEmpty, entry.keys.count <= Self.maximumSequenceLength,
                entry.keys.allSatisfy({ $0.isWholeNumber && $0.isASCII || $0 == "*" || $0 == "#" })
            else {
                throw ConferenceError(
                    .invalidRoom,
                    "menu entry '\(entry.keys)': keys must be 1 to \(Self.maximumSequenceLength) of 0-9, * and #"
                )
            }
        }
        let sorted = entries.sorted { $0.keys < $1.keys }
        for (index, entry) in sorted.enumerated() {
            for other in sorted[(index + 1)...] {
                if other.keys == entry.keys {
                    throw ConferenceError(.invalidRoom, "menu entry '\(entry.keys)' is given twice")
                }
                if other.keys.hasPrefix(entry.keys) {
                    throw ConferenceError(
                        .invalidRoom,
                        "menu entry '\(other.keys)' can never be reached: '\(entry.keys)' is a prefix of it"
                    )
                }
            }
        }
        self.entries = sorted
    }

    /// Parses `keys=action` pairs separated by commas (or whitespace); `default` is ``standard``, `none` or
    /// the empty text is a menu with no keys.
    public init(parsing text: String) throws(ConferenceError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "default" {
            self = .standard
            return
        }
        if trimmed.isEmpty || trimmed.lowercased() == "none" {
            self.init(unchecked: [])
            return
        }
        var entries: [Entry] = []
        for item in trimmed.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let equals = item.firstIndex(of: "=") else {
                throw ConferenceError(.invalidRoom, "menu entry '\(item)' must look like keys=action, e.g. *1=toggle_mute")
            }
            entries.append(try Self.entry(keys: String(item[..<equals]), action: String(item[item.index(after: equals)...])))
        }
        try self.init(entries)
    }

    /// A menu from a key-to-action map (the admin API's room document).
    public init(map: [String: String]) throws(ConferenceError) {
        var entries: [Entry] = []
        for (keys, action) in map.sorted(by: { $0.key < $1.key }) {
            entries.append(try Self.entry(keys: keys, action: action))
        }
        try self.init(entries)
    }

    private static func entry(keys: String, action: String) throws(ConferenceError) -> Entry {
        let name = action.trimmingCharacters(in: .whitespaces).lowercased()
        guard let choice = CallerFlow.MenuAction(rawValue: name) else {
            let known = CallerFlow.MenuAction.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConferenceError(.invalidRoom, "menu entry '\(keys)=\(action)': unknown action (known: \(known))")
        }
        return Entry(keys: keys.trimmingCharacters(in: .whitespaces), action: choice)
    }

    /// The key-to-action map.
    public var map: [String: String] {
        Dictionary(uniqueKeysWithValues: self.entries.map { ($0.keys, $0.action.rawValue) })
    }

    /// The text form, `keys=action` pairs joined by commas (`none` for an empty menu).
    public var description: String {
        self.entries.isEmpty ? "none" : self.entries.map { "\($0.keys)=\($0.action.rawValue)" }.joined(separator: ",")
    }

    /// What a sequence of keys means in this menu.
    public enum Match: Sendable, Equatable {
        /// A complete sequence and its action.
        case action(CallerFlow.MenuAction)
        /// The start of at least one sequence: wait for more keys.
        case prefix
        /// No sequence starts with these keys.
        case none
    }

    /// What `keys` (the keys since the last action) mean in this menu.
    public func match(_ keys: String) -> Match {
        var isPrefix = false
        for entry in self.entries {
            if entry.keys == keys { return .action(entry.action) }
            if entry.keys.hasPrefix(keys) { isPrefix = true }
        }
        return isPrefix ? .prefix : .none
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try Self(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }
}
