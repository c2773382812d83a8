import IDCSyncCore
import SystemKit

/// The profile the profile-based providers read, and why it was chosen (for messages).
struct ProfileSelection: Sendable, Equatable {
    enum Origin: Sendable, Equatable {
        /// `AWS_PROFILE`.
        case environment
        /// The idcsync config file's `aws.profile`.
        case configuration
        /// Nothing selected one: `default`.
        case defaulted
    }

    var name: String
    var origin: Origin

    /// A profile somebody named must exist; the implicit `default` need not.
    var isExplicit: Bool { origin != .defaulted }

    /// `AWS_PROFILE` wins over the config file's `aws.profile`; without either, `default`.
    static func select(environment: [String: String], profile: String?) -> ProfileSelection {
        if let name = environment["AWS_PROFILE"], !name.isEmpty { return ProfileSelection(name: name, origin: .environment) }
        if let profile, !profile.isEmpty { return ProfileSelection(name: profile, origin: .configuration) }
        return ProfileSelection(name: "default", origin: .defaulted)
    }

    var originDescription: String {
        switch origin {
        case .environment: "selected by AWS_PROFILE"
        case .configuration: "selected by aws.profile in the idcsync config"
        case .defaulted: "the default profile"
        }
    }
}

/// Where the shared config and credentials files are: `AWS_CONFIG_FILE` or `~/.aws/config`,
/// `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials` (`~` and `$VAR` expanded, as botocore does).
struct SharedConfigLocations: Sendable, Equatable {
    var configPath: String
    var credentialsPath: String
    var home: String

    init(environment: [String: String], home: String) {
        let base = home.hasSuffix("/") && home.count > 1 ? String(home.dropLast()) : home
        self.home = base
        func path(_ variable: String, _ fallback: String) -> String {
            if let value = environment[variable], !value.isEmpty {
                return CredentialText.expandPath(value, environment: environment, home: base)
            }
            return base + "/.aws/" + fallback
        }
        configPath = path("AWS_CONFIG_FILE", "config")
        credentialsPath = path("AWS_SHARED_CREDENTIALS_FILE", "credentials")
    }

    /// `~/...` for paths inside the home folder.
    func display(_ path: String) -> String { CredentialText.display(path, home: home) }

    /// `~/.aws/sso/cache`, where `aws sso login` leaves its tokens.
    var ssoCacheDirectory: String { home + "/.aws/sso/cache" }
}

/// Both shared files as botocore's session sees them.
struct SharedConfig: Sendable, Equatable {
    /// `[default]` and `[profile NAME]` of the config file.
    var configProfiles: [String: [String: String]] = [:]
    /// `[sso-session NAME]` of the config file.
    var ssoSessions: [String: [String: String]] = [:]
    /// Every `[NAME]` of the credentials file (`[profile NAME]` there is a profile called "profile NAME").
    var credentialsProfiles: [String: [String: String]] = [:]
    var configFileExists = false
    var credentialsFileExists = false

    /// The profile as botocore's `session.full_config` has it: the config file's settings, with the
    /// credentials file's settings for the same name on top. `nil` when neither file has it.
    func fullProfile(_ name: String) -> [String: String]? {
        let fromConfig = configProfiles[name]
        let fromCredentials = credentialsProfiles[name]
        guard fromConfig != nil || fromCredentials != nil else { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentials in credentials }
    }

    /// Reads both files. A file that does not exist counts as empty (as in botocore); one that cannot
    /// be read or parsed is an error naming the file.
    static func load(_ locations: SharedConfigLocations) throws(AWSError) -> SharedConfig {
        var config = SharedConfig()
        if let sections = try sections(of: locations.configPath, kind: "config", locations: locations) {
            config.configFileExists = true
            (config.configProfiles, config.ssoSessions) = SharedConfigParser.profileMap(sections)
        }
        if let sections = try sections(of: locations.credentialsPath, kind: "credentials", locations: locations) {
            config.credentialsFileExists = true
            for section in sections { config.credentialsProfiles[section.name] = section.values }
        }
        return config
    }

    private static func sections(of path: String, kind: String, locations: SharedConfigLocations) throws(AWSError) -> [INISection]? {
        switch TextFile.contents(of: path) {
        case .failure(.notFound), .failure(.isDirectory):
            // botocore skips a path that is not a regular file.
            return nil
        case .failure(let failure):
            throw AWSError.configuration("cannot read the AWS \(kind) file \(locations.display(path)): \(failure)")
        case .success(let text):
            do {
                return try SharedConfigParser.parse(text)
            } catch {
                throw AWSError.configuration("cannot read the AWS \(kind) file \(locations.display(path)): \(error)")
            }
        }
    }
}

/// What every profile-based provider shares: the environment, the files and the selected profile.
struct ProfileContext: Sendable {
    var environment: [String: String]
    var selection: ProfileSelection
    var locations: SharedConfigLocations

    init(environment: [String: String], profile: String?, home: String) {
        self.environment = environment
        selection = ProfileSelection.select(environment: environment, profile: profile)
        locations = SharedConfigLocations(environment: environment, home: home)
    }

    var profileName: String { selection.name }

    /// The shared files and the selected profile's merged settings (empty when the implicit `default`
    /// profile does not exist). An explicitly selected profile that is in neither file is an error
    /// naming both files, as botocore's `ProfileNotFound`.
    func load() throws(AWSError) -> (config: SharedConfig, profile: [String: String]) {
        let config = try SharedConfig.load(locations)
        if let profile = config.fullProfile(selection.name) { return (config, profile) }
        guard !selection.isExplicit else { throw missingProfileError(config) }
        return (config, [:])
    }

    func missingProfileError(_ config: SharedConfig) -> AWSError {
        let name = selection.name
        let configFile = locations.display(locations.configPath)
        let credentialsFile = locations.display(locations.credentialsPath)
        var text = "AWS profile \"\(name)\" (\(selection.originDescription)) is in neither \(configFile) (as [\(name == "default" ? "default" : "profile \(name)")]) nor \(credentialsFile) (as [\(name)])"
        switch (config.configFileExists, config.credentialsFileExists) {
        case (false, false): text += "; neither file exists"
        case (false, true): text += "; \(configFile) does not exist"
        case (true, false): text += "; \(credentialsFile) does not exist"
        case (true, true):
            let known = Set(config.configProfiles.keys).union(config.credentialsProfiles.keys).sorted()
            if !known.isEmpty { text += "; profiles found: \(known.joined(separator: ", "))" }
        }
        if config.credentialsProfiles["profile \(name)"] != nil {
            text += " (in the credentials file, write [\(name)], without \"profile \")"
        }
        text += ". Set AWS_PROFILE or aws.profile to an existing profile, or run `aws configure --profile \(name)`"
        return .configuration(text)
    }
}
