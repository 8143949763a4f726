/// The few header-value facts a ``Dialog`` needs, read from raw header strings (RFC 3261 §20.10, §20.16, §20.20,
/// §20.39).
///
/// Parley's typed headers (NameAddress, CSeqHeader) are being rewritten; until they land, the dialog reads the
/// tag parameter and the CSeq number itself with these small scanners, so it does not depend on the parser.
/// They are deliberately lenient: a value they cannot read yields `nil`, never a trap.
enum DialogHeaderScanner {
    /// The `tag` parameter of a From or To value, if present and non-empty.
    ///
    /// In the name-addr form (`"Bob" <sip:bob@host;transport=tcp>;tag=1928`) header parameters follow the
    /// closing `>`, and parameters inside the brackets belong to the URI. In the addr-spec form
    /// (`sip:bob@host;tag=1928`) every parameter after the first `;` is a header parameter (§20.10). Parameter
    /// names compare case-insensitively (§7.3.1).
    /// - Parameter value: The From or To header value.
    /// - Returns: The tag, or `nil`.
    static func tag(in value: String) -> String? {
        for parameter in Self.headerParameters(of: value) {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let name = String(parts[0]).trimmingSIPWhitespace()
            guard name.lowercased() == "tag" else { continue }
            let tag = String(parts[1]).trimmingSIPWhitespace()
            return tag.isEmpty ? nil : tag
        }
        return nil
    }

    /// The sequence number of a CSeq value such as `4711 INVITE` (§20.16).
    ///
    /// - Parameter value: The CSeq header value.
    /// - Returns: The number, or `nil` if it is missing or does not fit 32 bits.
    static func sequenceNumber(inCSeq value: String) -> UInt32? {
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        let digits = trimmed.prefix { $0 != " " && $0 != "\t" }
        return UInt32(digits)
    }

    /// The header parameters of a name-addr or addr-spec value, each as `name=value` or `name`.
    private static func headerParameters(of value: String) -> [Substring] {
        var inQuotes = false
        var escaped = false
        var sawOpeningAngle = false
        var parametersStart: String.Index?
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            if escaped {
                escaped = false
            } else if inQuotes {
                if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inQuotes = false
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "<" {
                sawOpeningAngle = true
            } else if character == ">" && sawOpeningAngle {
                parametersStart = value.index(after: index)
                break
            } else if character == ";" && !sawOpeningAngle {
                parametersStart = index
                break
            }
            index = value.index(after: index)
        }
        guard let start = parametersStart else { return [] }
        return value[start...].split(separator: ";").filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
    }
}
