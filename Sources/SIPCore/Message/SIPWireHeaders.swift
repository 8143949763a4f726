import NIOCore

/// The header section of a received message as it arrived: the message's bytes, shared and never copied, plus a
/// table saying where each field's name and value lie in them (STYLE.md §6).
///
/// Values are turned into `String`s only when someone asks for one, and folded lines (RFC 3261 §7.3.1) are
/// joined only then. ``SIPMessageParser`` fills the table; ``SIPHeaderFields`` reads through it until a
/// mutation turns it into a plain list.
struct SIPWireHeaders: Sendable {
    /// One header field line (with its continuation lines).
    struct Entry: Sendable {
        /// Offset of the line, which is also where the name starts.
        var lineStart: Int
        /// End of the name (white space before the colon excluded).
        var nameEnd: Int
        /// The value's bounds with leading and trailing white space trimmed.
        var valueStart: Int
        var valueEnd: Int
        /// ``HeaderName/index`` of the name.
        var index: UInt8
        /// The value spans continuation lines: each line break in it reads as one SP.
        var folded: Bool
    }

    /// The whole message as received; entries point into it.
    let bytes: [UInt8]
    var entries: [Entry]

    init(bytes: [UInt8], entries: [Entry]) {
        self.bytes = bytes
        self.entries = entries
    }

    /// True when `entry` is a field called `name` (case-insensitive, compact forms included).
    func matches(_ entry: Entry, _ name: HeaderName) -> Bool {
        if name.index != HeaderName.unknownIndex { return entry.index == name.index }
        guard entry.index == HeaderName.unknownIndex else { return false }
        let wanted = name.lowercased.utf8
        guard wanted.count == entry.nameEnd - entry.lineStart else { return false }
        var position = entry.lineStart
        for byte in wanted {
            guard position < self.bytes.count, ASCII.lower(self.bytes[position]) == byte else { return false }
            position += 1
        }
        return true
    }

    func name(of entry: Entry) -> HeaderName {
        if entry.index != HeaderName.unknownIndex, Int(entry.index) < HeaderName.known.count {
            return HeaderName.known[Int(entry.index)]
        }
        return HeaderName(String(decoding: self.slice(entry.lineStart, entry.nameEnd), as: UTF8.self))
    }

    /// The value as ``SIPHeaderFields`` has always given it: unfolded and trimmed.
    func value(of entry: Entry) -> String {
        if !entry.folded { return String(decoding: self.slice(entry.valueStart, entry.valueEnd), as: UTF8.self) }
        return String(decoding: self.unfoldedValue(of: entry), as: UTF8.self)
    }

    /// The value's bytes with each line break (CRLF or bare LF) replaced by one SP (RFC 3261 §7.3.1).
    func unfoldedValue(of entry: Entry) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(max(0, entry.valueEnd - entry.valueStart))
        self.forEachUnfoldedRun(of: entry) { run, joinsNext in
            result.append(contentsOf: run)
            if joinsNext { result.append(ASCII.space) }
        }
        return result
    }

    /// Calls `body` with each line-break-free run of the value and whether a line break (one SP) follows it.
    func forEachUnfoldedRun(of entry: Entry, _ body: (ArraySlice<UInt8>, Bool) -> Void) {
        var runStart = entry.valueStart
        var position = entry.valueStart
        let end = min(entry.valueEnd, self.bytes.count)
        while position < end {
            let byte = self.bytes[position]
            if byte == ASCII.lf {
                body(self.slice(runStart, position), true)
                runStart = position + 1
            } else if byte == ASCII.cr, position + 1 < end, self.bytes[position + 1] == ASCII.lf {
                body(self.slice(runStart, position), true)
                position += 1
                runStart = position + 1
            }
            position += 1
        }
        body(self.slice(runStart, end), false)
    }

    /// `bytes[start..<end]`, clamped to the array.
    func slice(_ start: Int, _ end: Int) -> ArraySlice<UInt8> {
        let lower = max(0, min(start, self.bytes.count))
        let upper = max(lower, min(end, self.bytes.count))
        return self.bytes[lower..<upper]
    }

    /// Every field as a ``SIPHeaderFields/Field``, in order.
    func materializedFields() -> [SIPHeaderFields.Field] {
        var fields: [SIPHeaderFields.Field] = []
        fields.reserveCapacity(self.entries.count)
        for entry in self.entries {
            fields.append(SIPHeaderFields.Field(name: self.name(of: entry), value: self.value(of: entry)))
        }
        return fields
    }

    /// Writes `Name: value` lines for every field but Content-Length, as ``SIPHeaderFields`` serializes.
    func serializeFields(into buffer: inout ByteBuffer) {
        for entry in self.entries where entry.index != HeaderName.contentLength.index {
            if entry.index != HeaderName.unknownIndex, Int(entry.index) < HeaderName.known.count {
                buffer.writeString(HeaderName.known[Int(entry.index)].canonical)
            } else {
                buffer.writeBytes(self.slice(entry.lineStart, entry.nameEnd))
            }
            buffer.writeStaticString(": ")
            if entry.folded {
                self.forEachUnfoldedRun(of: entry) { run, joinsNext in
                    buffer.writeBytes(run)
                    if joinsNext { buffer.writeInteger(ASCII.space) }
                }
            } else {
                buffer.writeBytes(self.slice(entry.valueStart, entry.valueEnd))
            }
            buffer.writeStaticString("\r\n")
        }
    }
}
