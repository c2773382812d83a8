import Foundation
@testable import IDCSyncCore
import Testing
@testable import IDCSyncEngine

/// `export terraform --out`: a symbolic link among the files is refused before any file is written.
@Suite struct ExportFilesTests {
    @Test func aSymbolicLinkIsRefusedBeforeAnythingIsWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("idcsync-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/okta.tf", withDestinationPath: "/dev/null")
        let files = [TerraformExport.File(name: "aws.tf", contents: "# aws\n"), TerraformExport.File(name: "okta.tf", contents: "# okta\n")]
        do {
            _ = try ExportFiles.write(files, to: folder, force: true)
            Issue.record("a symbolic link was written through")
        } catch {
            #expect(error.kind == .configuration)
            #expect(error.diagnostics.first?.message.contains("\(folder)/okta.tf") == true)
            #expect(error.diagnostics.first?.message.contains("symbolic link") == true)
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/aws.tf"), "nothing is written")
    }
}
