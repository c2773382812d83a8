// swift-tools-version:6.0
// The libFuzzer targets. Not part of idcsync's own package (CI never builds it): scripts/fuzz copies
// this file, the sources it names and Targets/ into .build-fuzz/package and builds there.
import PackageDescription

let fuzzer: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer"])]
// libFuzzer without its main: SwiftPM gives every executable a main of its own (see Driver/).
let fuzzerLink: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "FUZZER_NO_MAIN"]),  // scripts/fuzz puts in the path
    .linkedLibrary("stdc++"),
]

func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies + ["FuzzDriver"], path: "Targets/\(name)",
                      swiftSettings: fuzzer, linkerSettings: fuzzerLink)
}

let package = Package(
    name: "idcsync-fuzz",
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Copies of idcsync's own sources (see scripts/fuzz), instrumented for coverage.
        .target(name: "IDCSyncCore", dependencies: [.product(name: "Yams", package: "Yams")],
                path: "Sources/IDCSyncCore", swiftSettings: fuzzer),
        .target(name: "FuzzDriver", path: "Driver"),
        // HTTPKit without its transport (no SwiftNIO): messages, header values, Link, backoff.
        .target(name: "HTTPKit", path: "Sources/HTTPKit", swiftSettings: fuzzer),
        fuzzTarget("FuzzHeaders", ["HTTPKit"]),
        fuzzTarget("FuzzJSON", ["IDCSyncCore"]),
        fuzzTarget("FuzzConfig", ["IDCSyncCore"]),
        fuzzTarget("FuzzXML", []),
        fuzzTarget("FuzzINI", ["IDCSyncCore"]),
        fuzzTarget("FuzzOVPN", ["IDCSyncCore"]),
        fuzzTarget("FuzzSAMLMetadata", ["IDCSyncCore"]),
    ]
)
