import Testing
@testable import IDCSyncEngine

/// A file of secrets given as the config is named for what it is, never quoted (ConfigLoader.secretFileKind).
@Suite struct SecretFileKindTests {
    @Test(arguments: [
        ("OKTA_API_TOKEN=00abc\n", true),
        ("export OKTA_API_TOKEN=00abc\n# a comment\n\n_X1=2\n", true),
        ("export\tA=1\n", true),
        ("exportA=1\n", true),
        ("A=\n", true),
        ("instance:\n  primaryRegion: ap-northeast-1\n", false),
        ("1A=2\n", false),
        ("export =2\n", false),
        ("A-B=2\n", false),
        ("OKTA_API_TOKEN=00abc\ninstance: x\n", false),
        ("É=1\n", false),
    ])
    func environmentFiles(text: String, isEnvironmentFile: Bool) {
        #expect((ConfigLoader.secretFileKind(text) == "an environment file (NAME=value lines)") == isEnvironmentFile)
    }

    @Test func pemFiles() {
        #expect(ConfigLoader.secretFileKind("-----BEGIN PRIVATE KEY-----\nabc\n") == "a PEM file (a key or certificate)")
        #expect(ConfigLoader.secretFileKind("# only a comment\n") == nil)
    }
}
