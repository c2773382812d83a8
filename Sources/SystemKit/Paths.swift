/// Paths as the config file names them: relative to the config file's folder unless absolute.
/// Plain string work (no Foundation, no file system access): the same answers NSString's
/// `deletingLastPathComponent` and `appendingPathComponent` give for the paths idcsync sees.
public enum Paths {
    /// `path` if absolute, else joined to the folder of `file`.
    public static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = self.folder(of: file)
        if folder.isEmpty { return path }
        return folder.hasSuffix("/") ? folder + path : folder + "/" + path
    }

    /// The folder part of a path: "" for a bare name, "/" for a file at the root.
    public static func folder(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        var head = trimmed[..<slash]
        while head.count > 1 && head.hasSuffix("/") { head = head.dropLast() }
        return head.isEmpty ? "/" : String(head)
    }
}
