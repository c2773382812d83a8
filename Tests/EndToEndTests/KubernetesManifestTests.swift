import Foundation
import IDCSyncCore
import Testing
import Yams
@testable import idcsync

// deploy/kubernetes/*.yaml, parsed as YAML (Yams): every idcsync command line in them (a container's
// `command` ending in /idcsync, then its `args`) parses with the current CLI, as the README's do, and
// the promises the runbook makes about them hold: one run at a time, non-root on a read-only root file
// system, the lock folder and the metrics file on writable volumes, the Okta key a file from a Secret,
// the embedded idcsync.yaml a valid config, and the Indexed variant's JOB_COMPLETIONS equal to its
// completions.

private let manifestFolder = repositoryRoot.appendingPathComponent("deploy/kubernetes")

private let manifestFiles: [String] = {
    ((try? FileManager.default.contentsOfDirectory(atPath: manifestFolder.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
}()

private func documents(_ file: String) throws -> [[String: Any]] {
    let text = try String(contentsOf: manifestFolder.appendingPathComponent(file), encoding: .utf8)
    return try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
}

/// A CronJob's pod spec and its Job spec.
private struct CronJobParts {
    var name: String
    var cronJob: [String: Any]
    var job: [String: Any]
    var pod: [String: Any]

    init?(_ document: [String: Any]) {
        guard document["kind"] as? String == "CronJob", let spec = document["spec"] as? [String: Any],
              let jobTemplate = spec["jobTemplate"] as? [String: Any], let job = jobTemplate["spec"] as? [String: Any],
              let template = job["template"] as? [String: Any], let pod = template["spec"] as? [String: Any] else { return nil }
        name = (document["metadata"] as? [String: Any])?["name"] as? String ?? "?"
        cronJob = spec
        self.job = job
        self.pod = pod
    }

    var containers: [[String: Any]] { pod["containers"] as? [[String: Any]] ?? [] }
    var initContainers: [[String: Any]] { pod["initContainers"] as? [[String: Any]] ?? [] }
    var volumes: [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (pod["volumes"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0) })
    }

    /// The idcsync containers and their argument lists (after the executable).
    var idcsyncRuns: [(container: [String: Any], arguments: [String])] {
        (containers + initContainers).compactMap { container in
            guard let command = container["command"] as? [String], let executable = command.first,
                  executable == "idcsync" || executable.hasSuffix("/idcsync") else { return nil }
            return (container, Array(command.dropFirst()) + (container["args"] as? [String] ?? []))
        }
    }

    /// The volume a path of this container lies on, and whether the mount is writable.
    func volume(for path: String, in container: [String: Any]) -> (volume: [String: Any], writable: Bool)? {
        let mounts = (container["volumeMounts"] as? [[String: Any]] ?? []).filter {
            guard let mountPath = $0["mountPath"] as? String else { return false }
            return path.hasPrefix(mountPath.hasSuffix("/") ? mountPath : mountPath + "/")
        }
        guard let mount = mounts.max(by: { ($0["mountPath"] as? String ?? "").count < ($1["mountPath"] as? String ?? "").count }),
              let name = mount["name"] as? String, let volume = volumes[name] else { return nil }
        return (volume, mount["readOnly"] as? Bool != true)
    }
}

private func value(after flag: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

@Suite("Kubernetes manifests")
struct KubernetesManifestTests {
    @Test("the manifests are there: a CronJob and an Indexed Job variant")
    func manifestsExist() throws {
        let cronJobs = try manifestFiles.flatMap { try documents($0).compactMap(CronJobParts.init) }
        #expect(cronJobs.count >= 2, "\(manifestFiles)")
        #expect(cronJobs.contains { $0.job["completionMode"] as? String == "Indexed" })
        #expect(cronJobs.contains { $0.job["completionMode"] == nil })
    }

    @Test("every idcsync command line parses with the current CLI", arguments: manifestFiles)
    func commandLinesParse(file: String) throws {
        let runs = try documents(file).compactMap(CronJobParts.init).flatMap(\.idcsyncRuns)
        #expect(!runs.isEmpty, "\(file) runs no idcsync")
        for run in runs {
            if let message = parseFailure(run.arguments) {
                Issue.record("\(file): `idcsync \(run.arguments.joined(separator: " "))` does not parse: \(message)")
            }
        }
    }

    @Test("one run at a time, non-root, read-only root, writable lock and metrics folders, the Okta key from a Secret", arguments: manifestFiles)
    func deploymentPromises(file: String) throws {
        for job in try documents(file).compactMap(CronJobParts.init) {
            #expect(job.cronJob["concurrencyPolicy"] as? String == "Forbid", "\(file): \(job.name)")
            #expect(job.pod["restartPolicy"] as? String == "Never")
            let security = job.pod["securityContext"] as? [String: Any] ?? [:]
            #expect(security["runAsNonRoot"] as? Bool == true, "\(file): \(job.name)")
            #expect(security["runAsUser"] as? Int == 65532, "\(file): \(job.name): the image's user")
            for container in job.containers + job.initContainers {
                let containerSecurity = container["securityContext"] as? [String: Any] ?? [:]
                #expect(containerSecurity["readOnlyRootFilesystem"] as? Bool == true, "\(file): \(container["name"] ?? "?")")
                #expect(containerSecurity["allowPrivilegeEscalation"] as? Bool == false, "\(file): \(container["name"] ?? "?")")
            }
            for run in job.idcsyncRuns {
                #expect(run.arguments.first == "reconcile")
                for flag in ["--lock-dir", "--metrics-file"] {
                    let path = try #require(value(after: flag, in: run.arguments), "\(file): \(flag) is missing")
                    let volume = try #require(job.volume(for: path, in: run.container), "\(file): \(flag) \(path) is on no volume")
                    #expect(volume.writable && volume.volume["emptyDir"] != nil, "\(file): \(flag) \(path) must be on a writable emptyDir")
                }
                let config = try #require(value(after: "--config", in: run.arguments))
                #expect(job.volume(for: config, in: run.container)?.volume["configMap"] != nil, "\(file): the config comes from the ConfigMap")
                let hasOktaKey = job.volumes.values.contains { ($0["secret"] as? [String: Any])?["secretName"] as? String == "idcsync-okta" }
                #expect(hasOktaKey, "\(file): the Okta key is a Secret volume")
                let environment = run.container["env"] as? [[String: Any]] ?? []
                #expect(!environment.contains { ($0["name"] as? String)?.hasPrefix("OKTA") == true }, "\(file): no Okta secret in the environment")
                if job.job["completionMode"] as? String == "Indexed" {
                    let completions = try #require(job.job["completions"] as? Int)
                    let declared = environment.first { $0["name"] as? String == "JOB_COMPLETIONS" }?["value"] as? String
                    #expect(declared == String(completions), "\(file): JOB_COMPLETIONS must equal spec.completions (\(completions))")
                    #expect(job.job["backoffLimitPerIndex"] != nil, "\(file): one shard's failure must not stop the others")
                    #expect(job.job["parallelism"] as? Int == completions)
                }
            }
        }
    }

    @Test("no manifest carries a Secret: the Okta key is created from its file with kubectl, never committed", arguments: manifestFiles)
    func noSecretInTheFiles(file: String) throws {
        let text = try String(contentsOf: manifestFolder.appendingPathComponent(file), encoding: .utf8)
        #expect(try documents(file).allSatisfy { $0["kind"] as? String != "Secret" }, "\(file)")
        #expect(!text.contains("PRIVATE KEY"), "\(file)")
    }

    @Test("the ConfigMap's idcsync.yaml is a valid config whose private key file is the mounted Secret")
    func embeddedConfigIsValid() throws {
        var found = 0
        for file in manifestFiles {
            let all = try documents(file)
            for configMap in all where configMap["kind"] as? String == "ConfigMap" {
                guard let text = (configMap["data"] as? [String: Any])?["idcsync.yaml"] as? String else { continue }
                found += 1
                let config = try ConfigParser.parse(yaml: text, file: "\(file): ConfigMap idcsync.yaml")
                #expect(!config.diagnostics.contains { $0.severity == .error }, "\(config.diagnostics)")
                guard case .privateKey(_, let privateKeyFile?, _) = config.defaultTarget.okta?.auth else {
                    Issue.record("\(file): the ConfigMap's config must name okta.auth.privateKeyFile (the mounted Secret)")
                    continue
                }
                let keyFile = privateKeyFile
                let runs = try manifestFiles.flatMap { try documents($0).compactMap(CronJobParts.init) }
                for job in runs {
                    for run in job.idcsyncRuns {
                        let volume = try #require(job.volume(for: keyFile, in: run.container), "\(keyFile) is on no volume of \(job.name)")
                        #expect((volume.volume["secret"] as? [String: Any])?["secretName"] as? String == "idcsync-okta")
                        #expect(!volume.writable)
                    }
                }
            }
        }
        #expect(found == 1)
    }
}
