import IDCSyncCore
import SystemKit

/// Writes the exported files into an existing folder: every file is checked first (the folder is
/// there, no file would replace different content without `force`), then each is written atomically.
/// A refusal writes nothing.
public enum ExportFiles {
    public struct Outcome: Sendable, Equatable {
        public var written: [String]
        public var unchanged: [String]
    }

    public static func write(_ files: [TerraformExport.File], to directory: String, force: Bool) throws(IDCSyncError) -> Outcome {
        guard FileKind.of(directory) == .directory else {
            let what = FileKind.of(directory).map { "is a \($0), not a folder" } ?? "does not exist"
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "export.no-folder",
                "--out \(directory) \(what); create the folder (mkdir -p \(directory)) or give an existing one. Nothing was written.", field: "--out")])
        }
        var pending: [(path: String, contents: String)] = []
        var unchanged: [String] = []
        var differing: [String] = []
        for file in files {
            let path = directory.hasSuffix("/") ? directory + file.name : directory + "/" + file.name
            // A link or a device is refused before anything is written, not when its turn comes.
            do { try AtomicFile.requireReplaceable(path) } catch {
                throw IDCSyncError(.configuration, [Diagnostic(.error, code: "export.write", "\(error)", field: "--out")])
            }
            switch TextFile.contents(of: path) {
            case .success(let current) where current == file.contents:
                unchanged.append(path)
            case .success:
                differing.append(path)
                pending.append((path, file.contents))
            case .failure(.notFound):
                pending.append((path, file.contents))
            case .failure(let failure):
                throw IDCSyncError(.configuration, [Diagnostic(.error, code: "export.unreadable",
                    "cannot compare with \(path): \(failure); remove it or choose another --out folder. Nothing was written.", field: "--out")])
            }
        }
        if !differing.isEmpty && !force {
            throw IDCSyncError(.configuration, [Diagnostic(.error, code: "export.would-overwrite",
                "\(differing.joined(separator: ", ")) \(differing.count == 1 ? "exists and differs" : "exist and differ") from the export; review them (git diff) and rerun with --force to replace them, or choose another --out folder. Nothing was written.",
                field: "--out")])
        }
        var written: [String] = []
        for file in pending {
            do { try AtomicFile.write(file.contents, to: file.path) } catch {
                throw IDCSyncError(error.refused == nil ? .failure : .configuration, [Diagnostic(.error, code: "export.write",
                    "\(error)\(written.isEmpty ? "; nothing was written" : "; written before: \(written.joined(separator: ", "))")", field: "--out")])
            }
            written.append(file.path)
        }
        return Outcome(written: written, unchanged: unchanged)
    }
}
