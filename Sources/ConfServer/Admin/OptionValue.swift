/// A room option's value in a JSON request: a string, a whole number or a boolean, kept as ConfBridge text.
struct OptionValue: Codable, Equatable, Sendable {
    var text: String

    init(_ text: String) { self.text = text }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self.text = flag ? "yes" : "no"
        } else if let number = try? container.decode(Int.self) {
            self.text = String(number)
        } else if container.decodeNil() {
            self.text = "none"
        } else {
            self.text = try container.decode(String.self)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.text)
    }
}
