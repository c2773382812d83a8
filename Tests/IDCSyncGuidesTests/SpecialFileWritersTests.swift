import Foundation
import IDCSyncCore
import IDCSyncEngine
import Testing

/// The writers that the binary tests do not reach cheaply: a guide whose name is taken by a
/// symbolic link or FIFO, and an `--ovpn-out` that is not a regular file (checked before AWS is
/// touched). Each is a usage error naming the path and what it is, and the thing stays as it was.
@Suite("special files: guides and vpn apply --ovpn-out")
struct SpecialFileWritersTests {
    private func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("idcsync-special-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aGuideNameTakenByASymlinkOrFIFOIsRefusedAndLeftAlone() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let files = BookmarkGuides.files(exampleModel(), formats: [.markdown], languages: [.en])
        let name = try #require(files.first?.name)
        try "precious\n".write(toFile: base + "/target.md", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: base + "/linked", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/linked/\(name)", withDestinationPath: base + "/target.md")
        try FileManager.default.createDirectory(atPath: base + "/piped", withIntermediateDirectories: true)
        try #require(mkfifo(base + "/piped/\(name)", 0o644) == 0)

        for (folder, what) in [("linked", "it is a symbolic link to \(base)/target.md"), ("piped", "it is a FIFO (named pipe), not a regular file")] {
            let path = base + "/\(folder)/\(name)"
            #expect { try GuideFiles.write(files, to: base + "/" + folder) } throws: { error in
                guard let error = error as? IDCSyncError else { return false }
                return error.kind == .configuration && error.description.contains("refusing to write \(path): \(what)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/" + folder) == [name], "no temporary file left")
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: base + "/linked/\(name)") == base + "/target.md")
        #expect(try String(contentsOfFile: base + "/target.md", encoding: .utf8) == "precious\n")
        var info = stat()
        #expect(lstat(base + "/piped/\(name)", &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")
    }

    @Test func anOvpnOutThatIsNotARegularFileIsRefusedBeforeAWSIsTouched() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try "keep\n".write(toFile: base + "/real.ovpn", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: base + "/link.ovpn", withDestinationPath: "real.ovpn")
        #expect { try VPNWorkflow.checkClientConfigurationDestination(base + "/link.ovpn") } throws: { error in
            guard let error = error as? IDCSyncError else { return false }
            return error.kind == .configuration
                && error.description.contains("refusing to write \(base)/link.ovpn: it is a symbolic link to real.ovpn")
                && error.description.contains("nothing was changed in AWS")
        }
        #expect { try VPNWorkflow.checkClientConfigurationDestination("/dev/null") } throws: { error in
            (error as? IDCSyncError)?.description.contains("refusing to write /dev/null: it is a character device") == true
        }
        // A regular file, or nothing yet, is fine.
        try VPNWorkflow.checkClientConfigurationDestination(base + "/real.ovpn")
        try VPNWorkflow.checkClientConfigurationDestination(base + "/new.ovpn")
        #expect(try String(contentsOfFile: base + "/real.ovpn", encoding: .utf8) == "keep\n")
    }
}
