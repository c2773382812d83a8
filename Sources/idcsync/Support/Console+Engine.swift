import HTTPKit
import IDCSyncCore
import IDCSyncEngine

/// What a command hands the engine, and the config it loads on the way.
extension Console {
    /// The engine's view of the world outside: this process's environment (with --aws-profile applied),
    /// the system clock, real HTTP, the command's logger.
    var engineContext: EngineContext {
        EngineContext(environment: environment, time: SystemTime(), transport: AsyncHTTPTransport(), logger: logger)
    }

    /// The engine context of a command that writes: `--backup-dir` wins over every target's `okta.backupDir`.
    func engineContext(writing options: WriteOptions) -> EngineContext {
        var context = engineContext
        context.folders.backups = options.backupDir
        return context
    }

    /// Loads the config, reporting the file's warnings on stderr.
    func loadConfig() throws(IDCSyncError) -> Config {
        let config = try ConfigLoader(environment: environment).load(global.config)
        logger.debug("loaded config", metadata: ["path": "\(config.source)", "targets": "\(config.targets.count)"])
        report(config.diagnostics)
        return config
    }

    /// Loads the config and picks the target, reporting the file's warnings on stderr.
    func loadTarget(_ name: String?) throws(IDCSyncError) -> (Config, Target) {
        let config = try loadConfig()
        let target = try config.selectTarget(name)
        return (config, aws?.apply(to: target) ?? target)
    }
}
