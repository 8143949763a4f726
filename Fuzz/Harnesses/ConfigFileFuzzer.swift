@testable import ParleyConfig

/// Feeds one input to the config file reader of `parley serve` (ConfServer/Configuration/ConfigFile.swift):
/// it either fails on a line that exists or yields entries with non-empty keys.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = ConfigFile.lines(of: text).count
    do {
        let file = try ConfigFile(parsing: text)
        for entry in file.entries where entry.key.isEmpty || entry.line < 1 || entry.line > lines {
            fatalError("bad entry \(entry)")
        }
    } catch {
        if error.line < 1 || error.line > lines { fatalError("error on line \(error.line) of \(lines)") }
    }
    return 0
}
