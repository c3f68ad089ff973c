// swift-tools-version: 6.1
//
// capsim — a discrete-event simulator for capacity and availability planning.
// Modules point one way (see README "Architecture"):
//   CGSL → SimKernel → SimRandom → InfraModel → Theory → SimStats → ScenarioLanguage → Reporting → CapSimCLI → capsim
import PackageDescription

/// Release builds let the compiler specialise generic model code across module boundaries
/// (the run loop is generic over its record sink); without it the hot path pays for witness tables.
let optimise: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))
]

/// The scenario test targets' own code is compiled without optimisation even in release builds:
/// their tests drive the optimised library through scenarios and the command line, so their
/// bodies cost little at run time, while optimising them was the largest part of the build's
/// last minutes. The other test targets stay optimised: their property tests loop in test code.
let unoptimisedTestCode: [SwiftSetting] = [
    .unsafeFlags(["-Onone"], .when(configuration: .release))
]

let package = Package(
    name: "capsim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "capsim", targets: ["capsim"]),
        .executable(name: "capsim-fuzz", targets: ["capsim-fuzz"]),
        .library(
            name: "CapSim",
            targets: [
                "CapSimCLI", "Reporting", "ScenarioLanguage", "SimStats", "Theory", "InfraModel", "SimRandom",
                "SimKernel",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .target(name: "SimKernel", swiftSettings: optimise),
        .target(name: "CZiggurat", exclude: ["generate.py"]),
        .target(name: "SimRandom", dependencies: ["CGSL", "CZiggurat"], swiftSettings: optimise),
        .target(name: "CPrefetch"),
        .target(name: "InfraModel", dependencies: ["SimKernel", "SimRandom", "CPrefetch"], swiftSettings: optimise),
        .target(
            name: "Theory", dependencies: ["CGSL", "SimKernel", "SimRandom", "InfraModel"], swiftSettings: optimise),
        .target(
            name: "SimStats",
            dependencies: [
                "CGSL", "SimKernel", "SimRandom", "InfraModel",
            ], swiftSettings: optimise),
        .target(
            name: "ScenarioLanguage",
            dependencies: [
                "SimKernel", "SimRandom", "InfraModel", "SimStats",
                .product(name: "Yams", package: "Yams"),
            ], swiftSettings: optimise),
        .target(
            name: "Reporting", dependencies: ["SimKernel", "Theory", "SimStats", "ScenarioLanguage"],
            swiftSettings: optimise),
        .target(
            name: "CapSimCLI",
            dependencies: [
                "SimKernel", "InfraModel", "Theory", "SimStats", "ScenarioLanguage", "Reporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: optimise),
        .executableTarget(name: "capsim", dependencies: ["CapSimCLI"], swiftSettings: optimise),
        // The fuzzer drives the capsim binary as a child process: it links none of capsim's modules.
        .target(
            name: "ScenarioFuzzing", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "capsim-fuzz", dependencies: ["ScenarioFuzzing"]),

        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel"]),
        .testTarget(name: "ScenarioFuzzingTests", dependencies: ["ScenarioFuzzing"]),
        .testTarget(name: "SimRandomTests", dependencies: ["SimRandom", "CGSL", "CZiggurat"]),
        .testTarget(name: "InfraModelTests", dependencies: ["InfraModel", "Theory", "SimKernel", "SimRandom"]),
        .testTarget(name: "SimStatsTests", dependencies: ["SimStats", "InfraModel", "SimKernel", "SimRandom"]),
        .testTarget(
            name: "ScenarioLanguageTests",
            dependencies: ["ScenarioLanguage", "Theory", "SimRandom", "InfraModel", "SimKernel"]),
        // What the two scenario-running test targets share (running a scenario or the command line
        // in-process, the honest comparison with theory). Two targets, not one, so that the build
        // compiles them side by side: one module of 14 k test lines was the last quarter of a
        // clean build, on one core.
        .target(
            name: "CapSimTestSupport",
            dependencies: ["CapSimCLI", "ScenarioLanguage", "SimStats", "InfraModel"],
            path: "Tests/CapSimTestSupport"),
        // Each kind of component (caches, databases, clusters, deploys, regions, balancers,
        // disciplines...) run through scenarios: exact trajectories and theory.
        .testTarget(
            name: "ComponentTests",
            dependencies: [
                "CapSimTestSupport", "CapSimCLI", "ScenarioLanguage", "SimStats", "Theory", "InfraModel",
                "SimRandom", "SimKernel",
            ], swiftSettings: unoptimisedTestCode),
        // The command line, outputs and reports, interval coverage, whole-design theory,
        // instruction budgets, the golden outputs and the fuzz corpus.
        .testTarget(
            name: "CapSimTests",
            dependencies: [
                "CapSimTestSupport", "CapSimCLI", "Reporting", "ScenarioLanguage", "SimStats", "Theory",
                "InfraModel", "SimRandom", "SimKernel", "CGSL",
            ], exclude: ["Golden", "FuzzCorpus"], swiftSettings: unoptimisedTestCode),
    ]
)
