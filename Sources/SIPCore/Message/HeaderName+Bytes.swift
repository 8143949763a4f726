/// Classifying header names straight from received bytes, so the parser never builds a `String` for a name it
/// knows (STYLE.md §6: header names and values stay ranges into the received buffer until asked for).
extension HeaderName {
    /// The ``index`` of the known name spelled by `bytes[range]` (any case, compact forms included, RFC 3261
    /// §7.3.1 and §7.3.3), or ``unknownIndex``. `range` must lie inside `bytes`; it is clamped otherwise.
    static func knownIndex(_ bytes: [UInt8], _ range: Range<Int>) -> UInt8 {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        let count = upper - lower
        if count == 1 { return Self.compactIndex(ASCII.lower(bytes[lower])) }
        let names = Self.nameTable
        guard count > 1, count <= names.longest else { return Self.unknownIndex }
        // `| 0x20` lower-cases letters; of the other token characters it changes only `_`, which no known name
        // holds, so it can neither make nor break a match.
        var hash = Self.hashSeed
        for position in lower..<upper { hash = Self.mix(hash, bytes[position] | 0x20) }
        var slot = Int(hash & Self.tableMask)
        // The table is a quarter full, so a probe ends after a slot or two.
        for _ in 0..<names.slots.count {
            let candidate = names.slots[slot]
            if candidate == Self.unknownIndex { return Self.unknownIndex }
            let start = names.starts[Int(candidate)]
            if names.starts[Int(candidate) + 1] - start == count {
                var equal = true
                for offset in 0..<count where bytes[lower + offset] | 0x20 != names.flat[start + offset] {
                    equal = false
                    break
                }
                if equal { return candidate }
            }
            slot = (slot + 1) & Int(Self.tableMask)
        }
        return Self.unknownIndex
    }

    /// The long form's index for a one-letter compact form (RFC 3261 §7.3.3 and later RFCs), given lower-cased.
    private static func compactIndex(_ letter: UInt8) -> UInt8 {
        switch letter {
        case UInt8(ascii: "v"): HeaderName.via.index
        case UInt8(ascii: "f"): HeaderName.from.index
        case UInt8(ascii: "t"): HeaderName.to.index
        case UInt8(ascii: "i"): HeaderName.callID.index
        case UInt8(ascii: "m"): HeaderName.contact.index
        case UInt8(ascii: "c"): HeaderName.contentType.index
        case UInt8(ascii: "l"): HeaderName.contentLength.index
        case UInt8(ascii: "e"): HeaderName.contentEncoding.index
        case UInt8(ascii: "k"): HeaderName.supported.index
        case UInt8(ascii: "s"): HeaderName.subject.index
        case UInt8(ascii: "o"): HeaderName.event.index
        case UInt8(ascii: "r"): HeaderName.referTo.index
        case UInt8(ascii: "b"): HeaderName.referredBy.index
        case UInt8(ascii: "x"): HeaderName.sessionExpires.index
        case UInt8(ascii: "u"): HeaderName.allowEvents.index
        case UInt8(ascii: "a"): HeaderName.acceptContact.index
        case UInt8(ascii: "j"): HeaderName.rejectContact.index
        case UInt8(ascii: "d"): HeaderName.requestDisposition.index
        default: HeaderName.unknownIndex
        }
    }

    private static let hashSeed: UInt32 = 2_166_136_261
    private static let tableMask: UInt32 = 255

    private static func mix(_ hash: UInt32, _ byte: UInt8) -> UInt32 { (hash ^ UInt32(byte)) &* 16_777_619 }

    /// The known names, lower-cased, one after another (name `i` is `flat[starts[i]..<starts[i + 1]]`), and the
    /// open-addressing table over 256 slots holding their indices (``unknownIndex`` marks an empty slot). One
    /// value, so classifying a name reads one lazy static, not three.
    private struct NameTable {
        var flat: [UInt8] = []
        var starts: [Int] = [0]
        var slots = [UInt8](repeating: HeaderName.unknownIndex, count: Int(HeaderName.tableMask) + 1)
        var longest = 0
    }

    private static let nameTable: NameTable = {
        var table = NameTable()
        for (index, known) in Self.known.enumerated() {
            let name = Array(known.lowercased.utf8)
            table.flat += name
            table.starts.append(table.flat.count)
            table.longest = max(table.longest, name.count)
            var hash = Self.hashSeed
            for byte in name { hash = Self.mix(hash, byte) }
            var slot = Int(hash & Self.tableMask)
            while table.slots[slot] != HeaderName.unknownIndex { slot = (slot + 1) & Int(Self.tableMask) }
            table.slots[slot] = UInt8(index)
        }
        return table
    }()
}
