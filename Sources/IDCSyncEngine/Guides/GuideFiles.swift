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
    public static func write(_ files: [GuideFile], to directory: String) throws(CommandError) -> [String] {
        try makeDirectory(directory)
        var written: [String] = []
        for file in files {
            let path = directory.hasSuffix("/") ? directory + file.name : directory + "/" + file.name
            try writeAtomically(file.contents, to: path)
            written.append(path)
        }
        return written
    }

    /// Checks the guides in `outDir` against the instance and Regions they should describe. Reads
    /// only the files that `formats` × `languages` name (the config's `bookmarks` section).
    public static func status(outDir: String, expectedRegions: [Region], instanceId: String,
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
                                   regions: expectedRegions.map(\.name).sorted())
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
            }
        }
        if missing.count == names.count { return .missing }
        if !missing.isEmpty { problems.insert("missing: \(missing.joined(separator: ", "))", at: 0) }
        return problems.isEmpty ? .current : .stale(reason: problems.joined(separator: "; "))
    }

    // MARK: POSIX

    private static func failure(_ path: String, _ what: String, _ code: Int32) -> CommandError {
        CommandError(.failure, [Diagnostic(.error, code: "bookmarks.write",
            "cannot \(what) \(path): \(TextFile.describe(code)); choose another --out folder or fix its permissions")])
    }

    /// `mkdir -p` with mode 0755.
    private static func makeDirectory(_ path: String) throws(CommandError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw CommandError(.failure, [Diagnostic(.error, code: "bookmarks.write",
                    "cannot write the guides into \(path): it is a file, not a folder; choose another --out")])
            }
            return
        }
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure(path, "create the folder", errno) }
    }

    private static func writeAtomically(_ text: String, to path: String) throws(CommandError) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        var template = Array("\(folder)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(path, "write", errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func abandon(_ code: Int32) -> CommandError {
            close(fd)
            unlink(temporary)
            return failure(path, "write", code)
        }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { writeBytes(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw abandon(errno)
            }
            bytes = bytes.dropFirst(count)
        }
        // mkstemp creates 0600; guides are meant to be shared and served.
        guard fchmod(fd, 0o644) == 0, fsync(fd) == 0 else { throw abandon(errno) }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure(path, "write", code)
        }
        // Make the rename itself durable.
        let folderFD = open(folder, O_RDONLY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }
}

/// `write(2)` under another name: inside `GuideFiles`, `write` is the static method.
private func writeBytes(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
