import Foundation
import SystemKit
import Testing

/// `Paths.resolve` replaces NSString path arithmetic: the answers must stay NSString's.
@Suite("Paths relative to the config file")
struct PathsTests {
    @Test(arguments: [
        ("idcsync-backups", "idcsync.yaml"), ("idcsync-backups", "./idcsync.yaml"), ("guides", "prod/idcsync.yaml"),
        (".idcsync-locks", "/etc/idcsync/idcsync.yaml"), ("x", "/idcsync.yaml"), ("a/b", "deep/er/config.yaml"),
        ("/abs/olute", "prod/idcsync.yaml"), ("x", "prod//idcsync.yaml"), ("x", "prod/"),
    ])
    func resolvesAsNSStringDid(path: String, file: String) {
        let folder = (file as NSString).deletingLastPathComponent
        let expected = path.hasPrefix("/") ? path : folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
        #expect(Paths.resolve(path, relativeTo: file) == expected)
    }
}
