import Testing
@testable import idcsync

/// `idcsync --version` from the stamp scripts/build-release writes into the binary (Sources/BuildStamp);
/// Tests/Release checks the stamped binary itself.
@Suite struct VersionTests {
    @Test func stampedReleaseNamesVersionAndCommit() {
        #expect(IDCSyncVersion.describe(stamp: "1.2.3 0123456789abcdef0123456789abcdef01234567")
                == "1.2.3 (commit 0123456789abcdef0123456789abcdef01234567)")
        #expect(IDCSyncVersion.describe(stamp: "1.2.3-rc.1 0123456789abcdef0123456789abcdef01234567-dirty")
                == "1.2.3-rc.1 (commit 0123456789abcdef0123456789abcdef01234567, modified)")
    }

    @Test func unstampedBuildSaysSo() {
        #expect(IDCSyncVersion.describe(stamp: "") == "\(IDCSyncVersion.source) (development build: no commit recorded; scripts/build-release records it)")
        #expect(IDCSyncVersion.current == IDCSyncVersion.describe(stamp: ""), "a debug build is not stamped")
    }
}
