import Foundation

/// A run that cannot hang the test suite: the process is killed once `bound` seconds have passed,
/// and the test sees how long it took (a hang fails the test instead of stalling it).
struct BoundedRunResult {
    var result: RunResult
    var seconds: Double
    /// The process was still running at the bound and was killed.
    var killed: Bool
}

extension Workspace {
    func run(_ arguments: [String], environment: [String: String] = [:], bound: Double) throws -> BoundedRunResult {
        let started = Date()
        let (result, killed) = try launch(arguments, environment: environment, bound: bound)
        return BoundedRunResult(result: result, seconds: Date().timeIntervalSince(started), killed: killed)
    }
}
