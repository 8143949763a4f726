/// Generates room PINs from the system's cryptographically secure random number generator.
public enum PINGenerator {
    /// A PIN of `length` decimal digits, each uniform over 0-9 (no modulo bias: the generator's
    /// `random(in:)` rejects out-of-range draws).
    public static func generate(length: Int = 6) -> String {
        var generator = SystemRandomNumberGenerator()
        var pin = ""
        for _ in 0..<max(1, length) {
            pin.append(Character(String(Int.random(in: 0...9, using: &generator))))
        }
        return pin
    }
}
