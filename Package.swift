// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "idcsync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "idcsync", targets: ["idcsync"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Already in the graph through async-http-client (same URLs and lower bounds): HTTPKit's
        // endpoint prober uses NIO's bootstrap, HTTP/1 codec and NIOSSL directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
    ],
    targets: [
        // Domain: partitions, Regions, config model and validation, URL catalog, policy generators.
        // Pure functions over plain values: no file, network or clock access.
        .target(
            name: "IDCSyncCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // Renders domain results as text tables, Markdown and JSON; colour is a parameter.
        .target(
            name: "IDCSyncRendering",
            dependencies: ["IDCSyncCore"]
        ),
        // HTTP for the API clients: request/response values, a transport protocol (real or test),
        // timeouts, Link pagination and backoff; the credential-free endpoint prober (DNS, TCP, TLS,
        // one HTTP HEAD) of `idcsync status`. Knows nothing about Okta or AWS.
        .target(
            name: "HTTPKit",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Small POSIX helpers shared by the clients and the engine (text files without Foundation's
        // file machinery, errno in words).
        .target(name: "SystemKit"),
        // The Okta management API client: SSWS and OAuth 2.0 (private_key_jwt + DPoP), rate limits,
        // retries, typed errors. Knows nothing about IAM Identity Center.
        .target(
            name: "OktaKit",
            dependencies: [
                "HTTPKit",
                "IDCSyncCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The AWS calls idcsync makes: SigV4, the credential chain, JSON 1.1 and Query/XML protocols,
        // retries, typed errors. Knows nothing about IAM Identity Center rules.
        .target(
            name: "AWSKit",
            dependencies: [
                "HTTPKit",
                "SystemKit",
                "IDCSyncCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The bookmark guides (Markdown, HTML, Netscape bookmarks, aws-config, JSON) in English and
        // Japanese, rendered from plain values: no file, network or clock access.
        .target(
            name: "IDCSyncGuides",
            dependencies: ["IDCSyncCore"]
        ),
        // Orchestration: reads files and the environment, resolves the target, calls the planners.
        .target(
            name: "IDCSyncEngine",
            dependencies: [
                "IDCSyncCore",
                "IDCSyncGuides",
                "SystemKit",
                "HTTPKit",
                "OktaKit",
                "AWSKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // C, linked into the executable only: older symbol versions for the few libc/libstdc++ symbols
        // the build system's libraries would otherwise bind too new (the binary must start on glibc 2.34).
        .target(name: "GlibcCompat"),
        // C: the version and git commit scripts/build-release writes into the linked binary.
        .target(name: "BuildStamp"),
        // The command-line surface: argument parsing and printing only.
        .executableTarget(
            name: "idcsync",
            dependencies: [
                "GlibcCompat",
                "BuildStamp",
                "IDCSyncCore",
                "SystemKit",
                "IDCSyncEngine",
                "IDCSyncRendering",
                "OktaKit",
                "AWSKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What every test target shares, used by tests only: golden files (each test target's
        // Fixtures/golden, read from the source tree; IDCSYNC_UPDATE_GOLDEN=1 rewrites them, see
        // scripts/update-golden), a scripted HTTP transport and a fake clock.
        .target(
            name: "IDCSyncTestSupport",
            dependencies: ["HTTPKit"],
            path: "Tests/IDCSyncTestSupport"
        ),
        // The endpoint prober against the local HTTPS portal fake (Tests/Sandbox/portal_fake.py).
        .testTarget(
            name: "HTTPKitTests",
            dependencies: ["HTTPKit", "IDCSyncTestSupport"]
        ),
        .testTarget(
            name: "IDCSyncTestSupportTests",
            dependencies: ["IDCSyncTestSupport", "HTTPKit"]
        ),
        .testTarget(
            name: "IDCSyncCoreTests",
            dependencies: ["SystemKit", "IDCSyncCore", "IDCSyncEngine", "IDCSyncRendering", "IDCSyncTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "IDCSyncGuidesTests",
            dependencies: ["IDCSyncGuides", "IDCSyncCore", "IDCSyncEngine", "AWSKit", "IDCSyncTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "OktaKitTests",
            dependencies: ["OktaKit", "HTTPKit", "IDCSyncCore", "IDCSyncTestSupport"]
        ),
        .testTarget(
            name: "AWSKitTests",
            dependencies: ["AWSKit", "HTTPKit", "SystemKit", "IDCSyncCore", "IDCSyncTestSupport"]
        ),
        // The engine's workflows in-process, against Swift fakes of AWS and Okta behind one transport
        // and a fake clock: no sockets, no Python.
        .testTarget(
            name: "IDCSyncEngineTests",
            dependencies: ["IDCSyncEngine", "IDCSyncCore", "IDCSyncRendering", "IDCSyncTestSupport", "HTTPKit", "AWSKit", "OktaKit",
                           .product(name: "Logging", package: "swift-log")]
        ),
        // Runs the built idcsync binary as a user would.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["idcsync", "HTTPKit", "IDCSyncCore", "IDCSyncTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Yams", package: "Yams")],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
