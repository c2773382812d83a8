#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IDCSyncCore
import IDCSyncGuides
import SystemKit

/// Whether the guides in a folder were generated from the instance's current Regions (for `doctor`).
public enum GuideStatus: Sendable, Equatable {
    /// No guide file is there (or the folder is missing).
    case missing
    /// Some are there but not all, or they name another instance, other Regions or an older layout.
    case stale(reason: String)
    case current
}

public enum GuideFiles {
    /// Writes each file atomically into `directory` (created with its parents if missing): a
    /// temporary file in the same folder, fsync, rename over the target, then fsync of the folder,
    /// so a reader or a crash sees the old guide or the new one, never half of one. Mode 0644.
    /// Returns the paths written.
    public static func write(_ files: [GuideFile], to directory: String) throws(IDCSyncError) -> [String] {
        try makeDirectory(directory)
        var written: [String] = []
        for file in files {
            let path = directory.hasSuffix("/") ? directory + file.name : directory + "/" + file.name
            try writeAtomically(file.contents, to: path)
            written.append(path)
        }
        return written
    }

    /// Checks the guides in `outDir` against the instance, Regions and start URL they should describe.
    /// Reads only the files that `formats` × `languages` name (the config's `bookmarks` section).
    public static func status(outDir: String, expectedRegions: [Region], instanceId: String, startURL: String?,
                              formats: [BookmarksConfig.Format] = BookmarksConfig().formats,
                              languages: [BookmarksConfig.Language] = BookmarksConfig().languages) -> GuideStatus {
        var names: [(String, BookmarksConfig.Format)] = []
        for format in BookmarksConfig.Format.allCases where formats.contains(format) {
            for language in BookmarksConfig.Language.allCases where languages.contains(language) {
                let name = Guides.fileName(format: format, language: language)
                if !names.contains(where: { $0.0 == name }) { names.append((name, format)) }
            }
        }
        let expected = GuideMarker(schemaVersion: GuideModel.schemaVersion, instanceId: instanceId,
                                   regions: expectedRegions.map(\.name).sorted(), startURL: startURL)
        var missing: [String] = []
        var problems: [String] = []
        for (name, format) in names {
            let path = outDir.hasSuffix("/") ? outDir + name : outDir + "/" + name
            guard case .success(let text) = TextFile.contents(of: path) else {
                missing.append(name)
                continue
            }
            let marker = format == .json ? GuideMarker.find(inJSON: text) : GuideMarker.find(in: text)
            guard let marker else {
                problems.append("\(name) has no idcsync generation marker")
                continue
            }
            if marker.schemaVersion != expected.schemaVersion {
                problems.append("\(name) was written by another idcsync version (layout \(marker.schemaVersion), now \(expected.schemaVersion))")
            } else if marker.instanceId != instanceId {
                problems.append("\(name) describes instance \(marker.instanceId), not \(instanceId)")
            } else if marker.regions != expected.regions {
                problems.append("\(name) lists Regions \(marker.regions.joined(separator: ", ")), but the instance has \(expected.regions.joined(separator: ", "))")
            } else if marker.startURL != startURL {
                switch (marker.startURL, startURL) {
                case (nil, let url?): problems.append("\(name) does not open the start URL \(url) (instance.startUrl was set after it was written)")
                case (let old?, nil): problems.append("\(name) opens the start URL \(old) first, but instance.startUrl is no longer set")
                case (let old?, let url?): problems.append("\(name) opens the start URL \(old) first, but instance.startUrl is \(url)")
                case (nil, nil): break
                }
            }
        }
        if missing.count == names.count { return .missing }
        if !missing.isEmpty { problems.insert("missing: \(missing.joined(separator: ", "))", at: 0) }
        return problems.isEmpty ? .current : .stale(reason: problems.joined(separator: "; "))
    }

    // MARK: POSIX

    private static func failure(_ path: String, _ what: String, _ code: Int32) -> IDCSyncError {
        IDCSyncError(.failure, [Diagnostic(.error, code: "bookmarks.write",
            "cannot \(what) \(path): \(TextFile.describe(code)); choose another --out folder or fix its permissions")])
    }

    /// `mkdir -p` with mode 0755.
    private static func makeDirectory(_ path: String) throws(IDCSyncError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw IDCSyncError(.failure, [Diagnostic(.error, code: "bookmarks.write",
                    "cannot write the guides into \(path): it is a file, not a folder; choose another --out")])
            }
            return
        }
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure(path, "create the folder", errno) }
    }

    /// `AtomicFile.write` (temporary file, fsync, rename, fsync of the folder) with mode 0644: guides
    /// are meant to be shared and served. The error names the file and what to do.
    private static func writeAtomically(_ text: String, to path: String) throws(IDCSyncError) {
        do { try AtomicFile.write(text, to: path, mode: 0o644) } catch {
            if error.refused != nil {
                throw IDCSyncError(.configuration, [Diagnostic(.error, code: "bookmarks.not-a-file", "\(error)")])
            }
            throw IDCSyncError(.failure, [Diagnostic(.error, code: "bookmarks.write",
                "\(error); choose another --out folder or fix its permissions")])
        }
    }
}
