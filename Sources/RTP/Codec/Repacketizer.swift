/// A first-in first-out run of samples (or codec octets) that takes chunks of one size and gives chunks of
/// another: between a caller's packet time and a room's mixing interval (ConfBridge `mixing_interval`).
///
/// A caller sending 20 ms packets into a room mixing every 40 ms gives two packets a tick; a room mixing every
/// 10 ms gives each packet out over two ticks; the other way round, a room's 10 ms frames are gathered into the
/// caller's 20 ms packets. The storage is made once with room for the largest chunk of each side, so neither
/// ``append(_:)`` nor ``take(into:)`` allocates; when the two sizes are equal every chunk goes straight through.
public struct Repacketizer<Element: BitwiseCopyable & ExpressibleByIntegerLiteral & Sendable>: Sendable {
    private var storage: [Element]
    /// Elements held, oldest first from index 0.
    public private(set) var count = 0

    /// - Parameter capacity: the most elements ever held: one input chunk plus one output chunk is enough,
    ///   since output is taken whenever a whole chunk is there.
    public init(capacity: Int) {
        precondition(capacity > 0, "capacity must be positive")
        self.storage = [Element](repeating: 0, count: capacity)
    }

    /// The most elements it can hold.
    public var capacity: Int { self.storage.count }

    /// Appends `elements` after what is held; returns false, appending nothing, when they do not fit (a caller
    /// whose packets are larger than negotiated: the chunk is dropped rather than the storage grown on the
    /// media path).
    @discardableResult
    public mutating func append(_ elements: UnsafeBufferPointer<Element>) -> Bool {
        guard elements.count <= self.storage.count - self.count else { return false }
        let start = self.count
        self.storage.withUnsafeMutableBufferPointer { storage in
            for index in 0..<elements.count { storage[start + index] = elements[index] }
        }
        self.count += elements.count
        return true
    }

    /// Moves the oldest `output.count` elements into `output`; returns false, moving nothing, when fewer are held.
    public mutating func take(into output: UnsafeMutableBufferPointer<Element>) -> Bool {
        let wanted = output.count
        guard wanted <= self.count else { return false }
        let remaining = self.count - wanted
        self.storage.withUnsafeMutableBufferPointer { storage in
            for index in 0..<wanted { output[index] = storage[index] }
            for index in 0..<remaining { storage[index] = storage[wanted + index] }
        }
        self.count = remaining
        return true
    }

    /// Forgets everything held (a new stream, or a caller put on hold).
    public mutating func removeAll() { self.count = 0 }
}
