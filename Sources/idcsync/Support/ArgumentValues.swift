import ArgumentParser
import IDCSyncCore

// Values of flags that ArgumentParser parses once into typed values (ExpressibleByArgument).
// A bad value is kept with what is wrong, and the options' `validate()` reports it in idcsync's own
// words (exit 64): a value ArgumentParser refuses itself (`init?(argument:)` returning nil, or a
// throwing `transform:`) is reported as "The value 'x' is invalid for '--flag <value>': ...", which
// would change the messages users and the end-to-end tests rely on.

/// An AWS Region named on the command line (`regions add REGION`, `--aws-region`, `urls --region`).
struct RegionArgument: ExpressibleByArgument, Sendable {
    /// The text as given, for messages.
    let text: String
    let parsed: Result<Region, IdentifierError>

    init(argument: String) {
        text = argument
        parsed = Region.parse(argument)
    }

    var defaultValueDescription: String { text }

    /// The Region. Read only after `validate()` has rejected a malformed name.
    var region: Region {
        switch parsed {
        case .success(let region): region
        case .failure(let error): preconditionFailure("validate() lets no malformed Region through: \(error.message)")
        }
    }
}

/// A duration such as 90s, 30m or 2h, positive and at most 7 days (`--timeout`).
struct DurationArgument: ExpressibleByArgument, Sendable {
    /// The text as given, for messages.
    let text: String
    let parsed: Result<Duration, DurationText.Problem>

    init(argument: String) {
        text = argument
        parsed = DurationText.read(argument)
    }

    var defaultValueDescription: String { text }

    /// The duration. Read only after `validate()` has rejected a bad value.
    var duration: Duration {
        switch parsed {
        case .success(let duration): duration
        case .failure(let problem): preconditionFailure("validate() lets no bad duration through: \(problem.message)")
        }
    }
}

enum DurationText {
    struct Problem: Error, Equatable {
        let message: String
    }

    static func read(_ text: String) -> Result<Duration, Problem> {
        let example = "use a whole number with s, m or h, e.g. 90s, 30m, 2h"
        guard let unit = text.last, "smh".contains(unit), let value = Int(text.dropLast()) else { return .failure(Problem(message: "not a duration; \(example)")) }
        guard value > 0 else { return .failure(Problem(message: "must be positive; \(example)")) }
        let seconds = unit == "s" ? 1 : unit == "m" ? 60 : 3600
        guard value <= 7 * 24 * 3600 / seconds else { return .failure(Problem(message: "must be at most 7 days (168h)")) }
        return .success(.seconds(value * seconds))
    }
}
