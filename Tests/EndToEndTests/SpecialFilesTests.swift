import Foundation
import Testing

/// Inputs and outputs that are not regular files: a FIFO given as input is refused at once (it
/// would block for ever), and no writer replaces a symbolic link, device, FIFO or directory.
/// Each refusal: exit 64, a message naming the path and what it is, and the thing untouched.
@Suite("special files (binary)")
struct SpecialFilesTests {
    static let ovpn = """
    client
    dev tun
    proto udp
    remote cvpn-endpoint-0123456789abcdef0.prod.clientvpn.ap-northeast-1.amazonaws.com 443
    verb 3

    """

    func fifo(_ workspace: Workspace, _ name: String) throws -> String {
        let path = workspace.url.appendingPathComponent(name).path
        try #require(mkfifo(path, 0o644) == 0)
        return path
    }

    func link(_ workspace: Workspace, _ name: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: workspace.url.appendingPathComponent(name).path, withDestinationPath: target)
    }

    /// What is at a path, without following a link.
    func kind(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return "missing" }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return "file"
        case S_IFLNK: return "link"
        case S_IFIFO: return "fifo"
        case S_IFCHR: return "char"
        case S_IFDIR: return "dir"
        default: return "other"
        }
    }

    // MARK: Inputs

    @Test func aFIFOAsTheConfigIsRefusedAtOnce() throws {
        let workspace = try Workspace()
        _ = try fifo(workspace, "idcsync.yaml")
        let run = try workspace.run(["urls"], bound: 20)
        #expect(!run.killed, "idcsync blocked on the FIFO")
        #expect(run.seconds < 5)
        #expect(run.result.status == 64)
        #expect(run.result.stderr.contains("cannot read idcsync.yaml: it is a FIFO (named pipe), not a regular file"), "\(run.result.stderr)")
        #expect(kind(workspace.url.appendingPathComponent("idcsync.yaml").path) == "fifo")
    }

    @Test func aFIFOOrDeviceAsTheOvpnIsRefusedAtOnce() throws {
        let workspace = try Workspace()
        _ = try fifo(workspace, "downloaded.ovpn")
        let run = try workspace.run(["vpn", "ovpn", "downloaded.ovpn", "--out", "okta.ovpn"], bound: 20)
        #expect(!run.killed, "idcsync blocked on the FIFO")
        #expect(run.seconds < 5)
        #expect(run.result.status == 64)
        #expect(run.result.stderr.contains("cannot read downloaded.ovpn: it is a FIFO (named pipe), not a regular file; nothing was written"), "\(run.result.stderr)")
        #expect(kind(workspace.url.appendingPathComponent("okta.ovpn").path) == "missing")

        let device = try workspace.run(["vpn", "ovpn", "/dev/zero", "--out", "okta.ovpn"], bound: 20)
        #expect(!device.killed)
        #expect(device.result.status == 64)
        #expect(device.result.stderr.contains("cannot read /dev/zero: it is a character device, not a regular file"), "\(device.result.stderr)")
    }

    // MARK: vpn ovpn outputs

    @Test func vpnOvpnOutAtADeviceIsRefusedAndTheDeviceStays() throws {
        let workspace = try Workspace()
        try workspace.write("downloaded.ovpn", Self.ovpn)
        #expect(kind("/dev/full") == "char")
        let result = try workspace.runFailing(["vpn", "ovpn", "downloaded.ovpn", "--out", "/dev/full"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("refusing to write /dev/full: it is a character device, not a regular file; idcsync replaces only regular files, so nothing was written"), "\(result.stderr)")
        #expect(kind("/dev/full") == "char")
        #expect(try workspace.read("downloaded.ovpn") == Self.ovpn)
    }

    @Test func vpnOvpnOutAtASymlinkFIFOOrDirectoryIsRefused() throws {
        let workspace = try Workspace()
        try workspace.write("downloaded.ovpn", Self.ovpn)
        try workspace.write("target.ovpn", "keep me\n")
        try link(workspace, "link.ovpn", to: "target.ovpn")
        _ = try fifo(workspace, "pipe.ovpn")
        try FileManager.default.createDirectory(at: workspace.url.appendingPathComponent("folder"), withIntermediateDirectories: false)
        let cases = [("link.ovpn", "it is a symbolic link to target.ovpn", "link"),
                     ("pipe.ovpn", "it is a FIFO (named pipe), not a regular file", "fifo"),
                     ("folder", "it is a directory", "dir")]
        for (out, what, expectedKind) in cases {
            let run = try workspace.run(["vpn", "ovpn", "downloaded.ovpn", "--out", out], bound: 20)
            #expect(!run.killed)
            #expect(run.result.status == 64, "\(out): \(run.result.stderr)")
            #expect(run.result.stderr.contains("refusing to write \(out): \(what)"), "\(run.result.stderr)")
            #expect(kind(workspace.url.appendingPathComponent(out).path) == expectedKind)
        }
        #expect(try workspace.read("target.ovpn") == "keep me\n")
        #expect(try workspace.read("downloaded.ovpn") == Self.ovpn)
        let names = try FileManager.default.contentsOfDirectory(atPath: workspace.url.path).sorted()
        #expect(names == ["downloaded.ovpn", "folder", "link.ovpn", "pipe.ovpn", "target.ovpn"], "no temporary file left")
    }

    @Test func vpnOvpnInPlaceOnASymlinkIsRefusedAndTheTargetIsUntouched() throws {
        let workspace = try Workspace()
        try workspace.write("real/downloaded.ovpn", Self.ovpn)
        try link(workspace, "downloaded.ovpn", to: "real/downloaded.ovpn")
        let result = try workspace.runFailing(["vpn", "ovpn", "downloaded.ovpn"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("refusing to write downloaded.ovpn: it is a symbolic link to real/downloaded.ovpn"), "\(result.stderr)")
        #expect(result.stderr.contains("give the target's own path"))
        #expect(!result.stderr.contains("Patched"))
        #expect(kind(workspace.url.appendingPathComponent("downloaded.ovpn").path) == "link")
        #expect(try workspace.read("real/downloaded.ovpn") == Self.ovpn)

        // The target's own path is patched as usual.
        let direct = try workspace.run(["vpn", "ovpn", "real/downloaded.ovpn"])
        #expect(direct.status == 0, "\(direct.stderr)")
        #expect(try workspace.read("real/downloaded.ovpn").contains("auth-federate"))
    }

    // MARK: reconcile --metrics-file

    @Test func reconcileMetricsFileThatIsNotARegularFileIsRefusedBeforeTheRun() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        try workspace.write("real.prom", "idcsync_reconcile_exit_code 0\n")
        try link(workspace, "link.prom", to: "real.prom")
        _ = try fifo(workspace, "pipe.prom")
        for (path, what, expectedKind) in [("link.prom", "it is a symbolic link to real.prom", "link"),
                                           ("pipe.prom", "it is a FIFO (named pipe)", "fifo")] {
            let run = try workspace.run(["reconcile", "--metrics-file", path], bound: 20)
            #expect(!run.killed)
            #expect(run.result.status == 64, "\(run.result.stderr)")
            #expect(run.result.stderr.contains("--metrics-file: refusing to write \(path): \(what)"), "\(run.result.stderr)")
            #expect(run.result.stdout.isEmpty, "refused before the run")
            #expect(kind(workspace.url.appendingPathComponent(path).path) == expectedKind)
        }
        #expect(try workspace.read("real.prom") == "idcsync_reconcile_exit_code 0\n")
    }

    // MARK: init

    @Test func initForceRefusesASymlinkOrDirectoryAndLeavesThemAlone() throws {
        let workspace = try Workspace()
        try workspace.write("real.yaml", "mine: true\n")
        try link(workspace, "idcsync.yaml", to: "real.yaml")
        try FileManager.default.createDirectory(at: workspace.url.appendingPathComponent("conf"), withIntermediateDirectories: false)

        let linked = try workspace.runFailing(["init", "--force"])
        #expect(linked.status == 64)
        #expect(linked.stderr.contains("refusing to write idcsync.yaml: it is a symbolic link to real.yaml"), "\(linked.stderr)")
        #expect(kind(workspace.url.appendingPathComponent("idcsync.yaml").path) == "link")
        #expect(try workspace.read("real.yaml") == "mine: true\n")

        let folder = try workspace.runFailing(["init", "--config", "conf", "--force"])
        #expect(folder.status == 64)
        #expect(folder.stderr.contains("refusing to write conf: it is a directory"), "\(folder.stderr)")
        #expect(!folder.stderr.contains("NSCocoaErrorDomain"))

        // Without --force, an existing link is an existing file (even a dangling one).
        try link(workspace, "dangling.yaml", to: "nowhere.yaml")
        let dangling = try workspace.runFailing(["init", "--config", "dangling.yaml"])
        #expect(dangling.status == 64)
        #expect(dangling.stderr.contains("dangling.yaml already exists (a symbolic link); pass --force"), "\(dangling.stderr)")
    }

    @Test func initIntoAMissingFolderSaysWhatFailedInWords() throws {
        let workspace = try Workspace()
        let result = try workspace.runFailing(["init", "--config", "missing/idcsync.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write missing/idcsync.yaml: no such file or directory; check that the folder exists"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        #expect(!result.stderr.contains("The operation could not be completed"))
    }

    // MARK: regions add/remove --timeout

    @Test func aNegativeTimeoutIsExplained() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        for (value, message) in [("-5s", "--timeout -5s: must be positive"), ("0m", "--timeout 0m: must be positive"),
                                 ("5x", "--timeout 5x: not a duration"), ("99999999999h", "--timeout 99999999999h: must be at most 7 days")] {
            let result = try workspace.runFailing(["regions", "add", "ap-northeast-3", "--dry-run", "--timeout", value])
            #expect(result.status == 64, "\(value): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(!result.stderr.contains("Missing value"))
        }
    }

    // The Region and the duration are parsed once by ArgumentParser (RegionArgument, DurationArgument);
    // a bad value still reads as idcsync's own message, not ArgumentParser's "The value ... is invalid".
    @Test func aBadRegionOrDurationKeepsItsExactMessage() throws {
        let workspace = try Workspace()
        try workspace.write("idcsync.yaml", try exampleConfig())
        let notARegion = "\"osaka\" is not a Region name; a Region is two or three lowercase words and one digit joined by hyphens (pattern ([a-z]+-){2,3}\\d), e.g. ap-northeast-1"
        let cases: [([String], String)] = [
            (["regions", "add", "osaka", "--dry-run"], "Error: \(notARegion)\n"),
            (["regions", "remove", "osaka", "--dry-run"], "Error: \(notARegion)\n"),
            (["regions", "list", "--aws-region", "osaka"], "Error: --aws-region osaka: \(notARegion)\n"),
            (["urls", "--offline", "--region", "ap-northeast-3", "--region", "osaka"], "Error: --region: \(notARegion)\n"),
            (["regions", "remove", "ap-northeast-3", "--dry-run", "--timeout", "-5s"],
             "Error: --timeout -5s: must be positive; use a whole number with s, m or h, e.g. 90s, 30m, 2h\n"),
            (["regions", "add", "ap-northeast-3", "--dry-run", "--timeout", "169h"], "Error: --timeout 169h: must be at most 7 days (168h)\n"),
        ]
        for (arguments, firstLine) in cases {
            let result = try workspace.runFailing(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix(firstLine), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("is invalid for"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }
}
