/// The Replaces header (RFC 3891 §6.1): which dialog an INVITE takes over in an attended transfer.
struct ReplacesHeader: Sendable, Equatable {
    var callID: String
    var toTag: String
    var fromTag: String
    var earlyOnly: Bool

    /// Parses `call-id;to-tag=...;from-tag=...[;early-only]`; nil if a part is missing.
    init?(parsing value: String) {
        let parts = value.split(separator: ";").map { $0.trimmingSIPSpace() }
        guard let first = parts.first, !first.isEmpty else { return nil }
        var toTag: String?
        var fromTag: String?
        var earlyOnly = false
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingSIPSpace() }
            switch pair.first?.lowercased() {
            case "to-tag": toTag = pair.count == 2 ? pair[1] : nil
            case "from-tag": fromTag = pair.count == 2 ? pair[1] : nil
            case "early-only": earlyOnly = true
            default: break
            }
        }
        guard let toTag, let fromTag else { return nil }
        self.callID = first
        self.toTag = toTag
        self.fromTag = fromTag
        self.earlyOnly = earlyOnly
    }
}

extension StringProtocol {
    func trimmingSIPSpace() -> String {
        String(
            self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
        )
    }
}
