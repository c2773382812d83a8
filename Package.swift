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
        // Orchestration: reads files and the environment, resolves the target, calls the planners.
        .target(
            name: "IDCSyncEngine",
            dependencies: [
                "IDCSyncCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command-line surface: argument parsing and printing only.
        .executableTarget(
            name: "idcsync",
            dependencies: [
                "IDCSyncCore",
                "IDCSyncEngine",
                "IDCSyncRendering",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Golden files live in each test target's Fixtures/ and are read from the source tree;
        // IDCSYNC_UPDATE_GOLDEN=1 rewrites them (scripts/update-golden).
        .testTarget(
            name: "IDCSyncCoreTests",
            dependencies: ["IDCSyncCore", "IDCSyncEngine", "IDCSyncRendering"],
            exclude: ["Fixtures"]
        ),
        // Runs the built idcsync binary as a user would.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["idcsync"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
