@testable import ParleyConfig

/// Feeds one input to the hand-written part of the config reader: the key locator that names the line of a bad
/// key (TOMLKit itself parses the file). Whatever the text, every line it reports must exist.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
    let locator = ConfigKeyLocator(text: text)
    for key in ["sip.listen", "rtp.ports", "admin.token", "flood.invites_per_second", "a", "a.b.c", ""] {
        if let line = locator.line(of: key), line < 1 || line > lines { fatalError("line \(line) of \(lines)") }
    }
    return 0
}
