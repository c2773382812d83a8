import Foundation
import IDCSyncCore
import IDCSyncEngine
import Testing

@Suite("bookmark guide files")
struct GuideFilesTests {
    private func scratch() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("idcsync-guides-\(UUID().uuidString)")
        return url.path
    }

    private let regions = [Region(name: "ap-northeast-1", partition: .aws), Region(name: "ap-northeast-3", partition: .aws)]

    @Test func writesAtomicallyWithMode0644AndReportsCurrentThenStale() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let out = base + "/docs/portal"
        let formats = BookmarksConfig.Format.allCases
        let languages = BookmarksConfig.Language.allCases
        #expect(GuideFiles.status(outDir: out, expectedRegions: regions, instanceId: "ssoins-7758a1b2c3d4e5f6", startURL: nil, formats: formats, languages: languages) == .missing)

        let files = BookmarkGuides.files(exampleModel(), formats: formats, languages: languages)
        #expect(files.map(\.name) == [
            "idcsync-bookmarks.en.md", "idcsync-bookmarks.ja.md", "idcsync-bookmarks.en.html", "idcsync-bookmarks.ja.html",
            "idcsync-bookmarks.en.netscape.html", "idcsync-bookmarks.ja.netscape.html", "idcsync-bookmarks.aws-config.ini",
            "idcsync-bookmarks.en.json", "idcsync-bookmarks.ja.json",
        ])
        let written = try GuideFiles.write(files, to: out)
        #expect(written == files.map { out + "/" + $0.name })
        for path in written {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o644, "\(path)")
        }
        // Only the guides: no temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == files.map(\.name).sorted())
        #expect(GuideFiles.status(outDir: out, expectedRegions: regions.reversed(), instanceId: "ssoins-7758a1b2c3d4e5f6", startURL: nil, formats: formats, languages: languages) == .current)

        let more = regions + [Region(name: "eu-west-1", partition: .aws)]
        guard case .stale(let reason) = GuideFiles.status(outDir: out, expectedRegions: more, instanceId: "ssoins-7758a1b2c3d4e5f6", startURL: nil, formats: formats, languages: languages) else {
            Issue.record("expected stale")
            return
        }
        #expect(reason.contains("idcsync-bookmarks.en.md lists Regions ap-northeast-1, ap-northeast-3, but the instance has ap-northeast-1, ap-northeast-3, eu-west-1"))
        guard case .stale(let other) = GuideFiles.status(outDir: out, expectedRegions: regions, instanceId: "ssoins-0000000000000000", startURL: nil, formats: [.json], languages: [.en]) else {
            Issue.record("expected stale")
            return
        }
        #expect(other == "idcsync-bookmarks.en.json describes instance ssoins-7758a1b2c3d4e5f6, not ssoins-0000000000000000")

        try FileManager.default.removeItem(atPath: out + "/idcsync-bookmarks.ja.html")
        #expect(GuideFiles.status(outDir: out, expectedRegions: regions, instanceId: "ssoins-7758a1b2c3d4e5f6", startURL: nil, formats: formats, languages: languages)
            == .stale(reason: "missing: idcsync-bookmarks.ja.html"))
        try "hand-written\n".write(toFile: out + "/idcsync-bookmarks.en.md", atomically: true, encoding: .utf8)
        #expect(GuideFiles.status(outDir: out, expectedRegions: regions, instanceId: "ssoins-7758a1b2c3d4e5f6", startURL: nil, formats: [.markdown], languages: [.en])
            == .stale(reason: "idcsync-bookmarks.en.md has no idcsync generation marker"))
        // Writing again replaces the files in place.
        _ = try GuideFiles.write(files, to: out)
        #expect(GuideFiles.status(outDir: out, expectedRegions: regions, instanceId: "ssoins-7758a1b2c3d4e5f6", startURL: nil, formats: formats, languages: languages) == .current)
    }

    @Test func aChangedStartURLMakesTheGuidesStale() throws {
        let out = try scratch()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let id = "ssoins-7758a1b2c3d4e5f6"
        let start = "https://aws.example.com"
        func status(_ startURL: String?) -> GuideStatus {
            GuideFiles.status(outDir: out, expectedRegions: regions, instanceId: id, startURL: startURL, formats: [.markdown, .json], languages: [.en])
        }
        _ = try GuideFiles.write(BookmarkGuides.files(exampleModel(), formats: [.markdown, .json], languages: [.en]), to: out)
        #expect(status(nil) == .current)
        #expect(status(start) == .stale(reason: "idcsync-bookmarks.en.md does not open the start URL https://aws.example.com (instance.startUrl was set after it was written); "
            + "idcsync-bookmarks.en.json does not open the start URL https://aws.example.com (instance.startUrl was set after it was written)"))

        _ = try GuideFiles.write(BookmarkGuides.files(exampleModel(startURL: start), formats: [.markdown, .json], languages: [.en]), to: out)
        #expect(status(start) == .current)
        #expect(status(nil) == .stale(reason: "idcsync-bookmarks.en.md opens the start URL https://aws.example.com first, but instance.startUrl is no longer set; "
            + "idcsync-bookmarks.en.json opens the start URL https://aws.example.com first, but instance.startUrl is no longer set"))
        guard case .stale(let reason) = status("https://sso.example.org/aws") else { Issue.record("expected stale"); return }
        #expect(reason.hasPrefix("idcsync-bookmarks.en.md opens the start URL https://aws.example.com first, but instance.startUrl is https://sso.example.org/aws"))
    }

    @Test func aFileInTheWayIsAnError() throws {
        let base = try scratch()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try "x".write(toFile: base + "/out", atomically: true, encoding: .utf8)
        #expect { try GuideFiles.write(BookmarkGuides.files(exampleModel(), formats: [.markdown], languages: [.en]), to: base + "/out") } throws: { error in
            (error as? IDCSyncError)?.description.contains("it is a file, not a folder") == true
        }
    }

    @Test func regionChangesRegenerateTheGuidesWhenBookmarksOutIsSet() {
        func step(_ guides: (outDir: String, current: Bool)?) -> RegionStep? {
            let facts = RegionStepPlanner.Facts(action: .add, region: "ap-northeast-3", primaryRegion: "ap-northeast-1",
                                                regions: [(name: "ap-northeast-1", status: .active), (name: "ap-northeast-3", status: .active)],
                                                keyId: "mrk-1", replicaArn: "arn", replicaState: .enabled, replicaPolicy: nil, okta: nil, wait: true,
                                                guides: guides)
            return RegionStepPlanner.steps(facts).last
        }
        #expect(step(nil) == RegionStep(kind: .bookmarks, title: "bookmark guides", state: .skipped("bookmarks.out is not set")))
        #expect(step(("docs/portal", false)) == RegionStep(kind: .bookmarks, title: "write the bookmark guides to docs/portal", state: .pending))
        #expect(step(("docs/portal", true))?.state == .done("generated from these Regions"))
    }
}
