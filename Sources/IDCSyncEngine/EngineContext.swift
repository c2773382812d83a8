import AWSKit
import Foundation
import HTTPKit
import IDCSyncCore
import Logging
import OktaKit
import SystemKit

/// What the engine gets from the world outside, handed in by the executable (or a test): the
/// environment, a clock, the HTTP transport every AWS and Okta client uses, a logger, and the folders
/// for backups and locks. Nothing in the engine reads the process environment, asks the system for
/// the time or opens a connection except through this value, so tests run the workflows in-process
/// against fakes and a clock they drive.
public struct EngineContext: Sendable {
    public var environment: [String: String]
    public var time: any TimeSource
    public var transport: any HTTPTransport
    public var logger: Logger
    public var folders: EngineFolders

    public init(environment: [String: String], time: any TimeSource, transport: any HTTPTransport, logger: Logger,
                folders: EngineFolders = EngineFolders()) {
        self.environment = environment
        self.time = time
        self.transport = transport
        self.logger = logger
        self.folders = folders
    }

    /// Seconds since 1970, from the context's clock.
    public var now: Double { time.now() }

    /// The context's clock as a date, for the values that carry one (backup names, certificate ages).
    public var date: Date { Date(timeIntervalSince1970: time.now()) }

    /// The AWS client of a target: its credential chain and Region resolution read `environment`.
    public func aws(_ target: Target, logger: Logger? = nil) -> AWSClient {
        AWSSession.client(target: target, environment: environment, logger: logger ?? self.logger, transport: transport, time: time)
    }

    /// The Okta client of a target; credential problems are configuration errors, before any request.
    public func okta(_ target: Target, configFile: String, access: OktaAccess, logger: Logger? = nil) throws(IDCSyncError) -> OktaClient {
        try OktaSession.client(target: target, configFile: configFile, environment: environment, access: access, transport: transport,
                               time: time, logger: logger ?? self.logger)
    }

    /// The same context with another logger (a target's, with its name in the metadata).
    public func with(logger: Logger) -> EngineContext {
        var copy = self
        copy.logger = logger
        return copy
    }
}

/// Where the engine keeps files of its own: the copy of each Okta app as read before a write, and
/// the lock files that keep two runs from changing one instance (or reconciling one config) at once.
/// Unset, both live next to the config file, so every run with one config shares its locks.
public struct EngineFolders: Sendable, Equatable {
    /// `--backup-dir`: wins over every target's `okta.backupDir`.
    public var backups: String?
    /// Lock files; default `.idcsync-locks` next to the config file.
    public var locks: String?

    public init(backups: String? = nil, locks: String? = nil) {
        self.backups = backups
        self.locks = locks
    }

    /// `backups`, else the target's `okta.backupDir` (relative to the config file).
    public func backupDirectory(config: Config, target: Target) -> String {
        backups ?? Paths.resolve((target.okta ?? OktaConfig()).backupDir, relativeTo: config.source)
    }

    public func lockDirectory(config: Config) -> String {
        locks ?? Paths.resolve(".idcsync-locks", relativeTo: config.source)
    }
}
