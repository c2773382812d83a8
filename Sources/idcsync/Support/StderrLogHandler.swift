import IDCSyncCore
import Logging

/// Writes log records to stderr as `level: message key=value` or as one JSON object per line.
struct StderrLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    let format: LogFormat
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level, format: LogFormat) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let line: String
        switch format {
        case .text:
            let fields = merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }.joined(separator: " ")
            line = "\(event.level.rawValue): \(event.message)\(fields.isEmpty ? "" : " " + fields)\n"
        case .json:
            var object: JSONObject = ["level": .string(event.level.rawValue), "logger": .string(label), "message": .string("\(event.message)")]
            for key in merged.keys.sorted() { object[key] = .string("\(merged[key]!)") }
            line = JSONWriter.compact(.object(object)) + "\n"
        }
        FileDescriptor.standardError.write(line)
    }
}
