// swift-tools-version: 6.1
//
// capsim's speed benchmarks (package-benchmark), kept out of the main manifest so that they do not
// slow every clean build of the simulator. Run from this folder: `swift package benchmark`.
import Foundation
import PackageDescription

/// The root package is referred to by path, and SwiftPM names a path dependency after its folder,
/// not after its manifest: derive that name here so the package resolves in any clone folder.
let rootIdentity: String = {
    let parent = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
    return parent.standardizedFileURL.lastPathComponent
}()

let package = Package(
    name: "CapSimBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        // The default traits pull in a runtime interposer the package mirror lacks; the malloc
        // interposer alone gives the malloc counts these benchmarks need.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CapSimBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CapSim", package: rootIdentity),
            ],
            path: "Benchmarks/CapSimBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
