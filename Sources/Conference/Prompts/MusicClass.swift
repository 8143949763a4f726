/// One music-on-hold class: its tracks (decoded once, at the library's rate) and whether they play shuffled.
///
/// Shared by every listener; each lone listener walks it with a cursor of their own, so two callers on
/// hold hear the music from their own place in it, and with `shuffle` each gets their own order of tracks.
public struct MusicClass: Sendable, Equatable {
    /// The tracks in name order; none is empty.
    public let tracks: [[Int16]]
    /// Whether a listener hears the tracks in a random order rather than in name order.
    public let shuffle: Bool

    /// Makes a class; empty tracks are dropped.
    public init(tracks: [[Int16]], shuffle: Bool = false) {
        self.tracks = tracks.filter { !$0.isEmpty }
        self.shuffle = shuffle
    }

    /// Whether the class has no track (it plays silence).
    public var isEmpty: Bool { self.tracks.isEmpty }

    /// The tracks one after the other.
    public var concatenated: [Int16] { self.tracks.flatMap { $0 } }
}
