import HTTPKit
import IDCSyncCore
import Logging

/// Writes log records to stderr as `level: message key=value` or as one JSON object per line. Every
/// message and value is redacted, and in text each record stays one line: a value quoting a server's
/// answer cannot add a line of its own.
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
        FileDescriptor.standardError.write(Self.line(level: event.level, label: label, message: "\(event.message)",
                                                     metadata: metadata.merging(event.metadata ?? [:]) { $1 }, format: format))
    }

    static func line(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, format: LogFormat) -> String {
        switch format {
        case .text:
            let fields = metadata.keys.sorted().map { "\(Redactor.singleLine($0))=\(Redactor.singleLine("\(metadata[$0]!)"))" }.joined(separator: " ")
            return "\(level.rawValue): \(Redactor.singleLine(message))\(fields.isEmpty ? "" : " " + fields)\n"
        case .json:
            // JSONWriter escapes control characters; only the secrets go here.
            var object: JSONObject = ["level": .string(level.rawValue), "logger": .string(label), "message": .string(Redactor.redact(message))]
            for key in metadata.keys.sorted() { object[Redactor.redact(key)] = .string(Redactor.redact("\(metadata[key]!)")) }
            return JSONWriter.compact(.object(object)) + "\n"
        }
    }
}

enum LoggingSetup {
    /// swift-log's one global bootstrap, for the command's level and format; stderr only.
    static func bootstrap(global: GlobalOptions) -> Logger {
        let level: Logger.Level = global.quiet ? .error : global.logLevel
        let format = global.logFormat
        LoggingSystem.bootstrap { label in
            StderrLogHandler(label: label, level: level, format: format)
        }
        return Logger(label: "idcsync")
    }
}
