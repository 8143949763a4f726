/// One listener's place in a music-on-hold class: the track and the sample they are at.
///
/// Kept per participant, so every lone listener hears the music from where they left off, not from where
/// someone else is. With shuffle, the next track is drawn at random (never the same one twice in a row when
/// there is a choice). Renders into the listener's frame without allocating.
struct MusicPlayer {
    private var track = -1
    private var position = 0

    /// The track and sample the next frame starts at (-1: not started).
    var place: (track: Int, position: Int) { (self.track, self.position) }

    /// Fills `frame` with the next samples of `music` (silence if the class has no tracks).
    mutating func render(
        _ music: MusicClass,
        shuffle: Bool,
        into frame: inout [Int16],
        using random: inout some RandomNumberGenerator
    ) {
        guard !music.isEmpty else {
            for index in frame.indices { frame[index] = 0 }
            return
        }
        var written = 0
        while written < frame.count {
            if self.track < 0 || self.track >= music.tracks.count || self.position >= music.tracks[self.track].count {
                self.track = Self.next(after: self.track, of: music.tracks.count, shuffle: shuffle, using: &random)
                self.position = 0
            }
            let samples = music.tracks[self.track]
            let take = min(frame.count - written, samples.count - self.position)
            for offset in 0..<take { frame[written + offset] = samples[self.position + offset] }
            written += take
            self.position += take
        }
    }

    static func next(after track: Int, of count: Int, shuffle: Bool, using random: inout some RandomNumberGenerator)
        -> Int
    {
        guard shuffle, count > 1 else { return track < 0 ? 0 : (track + 1) % count }
        var pick = Int.random(in: 0..<count, using: &random)
        if pick == track { pick = (pick + 1) % count }
        return pick
    }
}
