import IDCSyncCore
import SystemKit

/// The Prometheus textfile-collector file of a `reconcile` run (node exporter's
/// `--collector.textfile.directory`), written atomically so the collector never reads half a file.
public enum ReconcileMetrics {
    /// Writes the file; the last-success timestamp is carried over from the previous file when this
    /// run had a failing target. `exitCode` is the executable's mapping of outcomes to exit codes.
    public static func write(_ report: ReconcileReport, to path: String, exitCode: (Outcome) -> Int) throws(IDCSyncError) {
        var previous: Double?
        if case .success(let text) = TextFile.contents(of: path, limit: 1024 * 1024) { previous = lastSuccess(inPrometheusText: text) }
        let text = prometheus(report, lastSuccess: report.succeeded ? report.startedAt : previous, exitCode: exitCode)
        do { try AtomicFile.write(text, to: path, mode: 0o644) } catch {
            if error.refused != nil {
                throw IDCSyncError(.configuration, [Diagnostic(.error, code: "io.metrics", "--metrics-file: \(error); the reconcile itself ran (see the report)")])
            }
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "io.metrics",
                "\(error); the reconcile itself ran (see the report), check that the folder of --metrics-file exists and is writable")])
        }
    }

    /// Refuses, before the run, a metrics path that is not a regular file (a symbolic link, a
    /// device): the message names the path and what it is.
    public static func checkDestination(_ path: String) -> String? {
        do { try AtomicFile.requireReplaceable(path) } catch { return "--metrics-file: \(error)" }
        return nil
    }

    /// The textfile-collector file. `lastSuccess` is this run's start when every target ran, else the
    /// value carried over from the previous file, so a failing run does not reset it.
    public static func prometheus(_ report: ReconcileReport, lastSuccess: Double?, exitCode: (Outcome) -> Int) -> String {
        var out = ""
        // A sharded run's samples all carry shard="K/N", so the files of a fleet's parts never clash.
        let shardLabel = report.shard.map { "shard=\"\($0.shard)\"" }
        func labelled(_ labels: String) -> String {
            guard let shardLabel else { return labels }
            return labels.isEmpty ? "{\(shardLabel)}" : "{\(shardLabel)," + labels.dropFirst()
        }
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples { out += "\(name)\(labelled(sample.labels)) \(sample.value)\n" }
        }
        func flag(_ value: Bool) -> String { value ? "1" : "0" }

        var drift: [(String, String)] = []
        var ok: [(String, String)] = []
        var state: [(String, String)] = []
        var duration: [(String, String)] = []
        for target in report.targets {
            let name = escape(target.name)
            if target.failure == nil {
                let kmsOwner = target.keyPolicies.first?.owner.rawValue ?? Owner.idcsync.rawValue
                drift.append(("{target=\"\(name)\",kind=\"key_policy\",owner=\"\(kmsOwner)\"}", flag(target.keyPolicyDrift)))
                if let okta = target.okta { drift.append(("{target=\"\(name)\",kind=\"okta_slots\",owner=\"\(okta.owner.rawValue)\"}", flag(target.oktaDrift))) }
                if let tiles = target.tiles { drift.append(("{target=\"\(name)\",kind=\"okta_tiles\",owner=\"\(tiles.owner.rawValue)\"}", flag(target.tilesDrift))) }
            }
            ok.append(("{target=\"\(name)\"}", flag(target.failure == nil)))
            state.append(("{target=\"\(name)\"}", String(exitCode(target.outcome))))
            duration.append(("{target=\"\(name)\"}", DecimalText.threeDecimals(target.durationSeconds)))
        }
        family("idcsync_reconcile_drift", "1 when the item still differs from what idcsync generates after this run (absent when the target failed); owner: who writes it (idcsync, or terraform: reported, never written).", drift)
        family("idcsync_reconcile_target_ok", "1 when the target was checked without error.", ok)
        family("idcsync_reconcile_target_exit_code", "The target's exit code: \(exitCode(.ok)) in sync or fixed, \(exitCode(.changes)) drift, \(exitCode(.failed)) error, \(exitCode(.misconfigured)) configuration error.", state)
        family("idcsync_reconcile_target_duration_seconds", "Wall time spent on the target.", duration)
        family("idcsync_reconcile_duration_seconds", "Wall time of the whole run.", [("", DecimalText.threeDecimals(report.durationSeconds))])
        family("idcsync_reconcile_exit_code", "The run's exit code (the worst of its targets).", [("", String(exitCode(report.outcome)))])
        family("idcsync_reconcile_requests", "Requests sent in this run, retries included.",
               [("{service=\"aws\"}", String(report.awsRequests)), ("{service=\"okta\"}", String(report.oktaRequests))])
        if let lastSuccess {
            family("idcsync_reconcile_last_success_timestamp_seconds", "Start of the last run in which every target was checked without error (seconds since 1970).",
                   [("", DecimalText.threeDecimals(lastSuccess))])
        }
        return out
    }

    /// The last-success value of an earlier metrics file, to carry over a failed run.
    public static func lastSuccess(inPrometheusText text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("idcsync_reconcile_last_success_timestamp_seconds ")
            || line.hasPrefix("idcsync_reconcile_last_success_timestamp_seconds{") {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    /// Label values: backslash, double quote and line feed escaped (exposition format).
    static func escape(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }
}
