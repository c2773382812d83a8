/// A credential that never prints: `description` and `debugDescription` are redacted, so a token,
/// key or password cannot reach output, logs or error messages by string interpolation. Making one
/// registers the value with `Redactor`, which scrubs it from every line idcsync prints or writes.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String
    public init(_ value: String) {
        self.value = value
        Redactor.register(value)
    }
    /// The raw value, for the one place that must send or sign with it.
    public func reveal() -> String { value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
