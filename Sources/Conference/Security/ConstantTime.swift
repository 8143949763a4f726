/// Comparisons whose running time does not depend on where the inputs differ.
enum ConstantTime {
    /// Compares without an early exit, so the time taken does not tell a guesser how many digits were right.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = a.count ^ b.count
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= Int(x ^ y)
        }
        return difference == 0
    }
}
