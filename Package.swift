// swift-tools-version:6.0
import PackageDescription

/// The explorers' hot paths cross module boundaries (the generic checker runs the Raft model;
/// the world runs the core): let the optimiser see and specialise across them in release builds.
///
/// The model code is optimised in debug builds too: `swift test` then explores hundreds of
/// thousands of states and fuzzes thousands of runs in seconds rather than minutes.
///
/// `-disable-type-layout`: by default the compiler copies and destroys an optional server
/// (`RaftNode?`) through its runtime type metadata rather than with inline retains and releases,
/// and the explorers copy worlds of such servers on every step they take.
let optimizeAcrossModules: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization", "-Xfrontend", "-disable-type-layout"], .when(configuration: .release)),
    .unsafeFlags(["-O", "-Xfrontend", "-disable-type-layout"], .when(configuration: .debug)),
]

let package = Package(
    name: "raftlab",
    products: [
        .executable(name: "raftlab", targets: ["raftlab"])
    ],
    targets: [
        // MARK: - The protocol: one Raft server, a pure value type.
        .target(name: "RaftCore", swiftSettings: optimizeAcrossModules),

        // MARK: - The world the servers live in: network, disks, faults, invariants, traces.
        .target(
            name: "RaftSimulation", dependencies: ["RaftCore", "Linearizability"], swiftSettings: optimizeAcrossModules),

        // MARK: - The explorers.
        .target(name: "ModelChecking", swiftSettings: optimizeAcrossModules),
        .target(
            name: "RaftModel", dependencies: ["RaftCore", "RaftSimulation", "ModelChecking"],
            swiftSettings: optimizeAcrossModules),

        // MARK: - Counterexamples people can read: text, Mermaid, HTML; JUnit reports for CI.
        .target(name: "TraceRendering", dependencies: ["RaftCore", "RaftSimulation"]),

        // MARK: - The randomized fault fuzzer: swarm profiles, virtual time, liveness, shrinking.
        .target(
            name: "RaftFuzzing", dependencies: ["RaftCore", "RaftSimulation"], swiftSettings: optimizeAcrossModules),

        // MARK: - Saved counterexamples: shrink and save what the fuzzer finds, read traces back, judge them.
        .target(name: "RaftCorpus", dependencies: ["RaftCore", "RaftSimulation", "RaftFuzzing"]),

        // MARK: - Client histories and the linearizability checker: pure, and independent of Raft.
        .target(name: "Linearizability", swiftSettings: optimizeAcrossModules),

        // MARK: - The command-line tool.
        .target(
            name: "RaftLabCLI",
            dependencies: [
                "RaftCore", "RaftSimulation", "ModelChecking", "RaftModel", "TraceRendering", "RaftFuzzing",
                "RaftCorpus", "Linearizability",
            ],
            swiftSettings: optimizeAcrossModules),
        .executableTarget(name: "raftlab", dependencies: ["RaftLabCLI"]),

        // MARK: - Tests.
        // Fixtures every test target shares: named servers, hand-built servers and worlds, the
        // repository's files, the `raftlab` executable runner. A test target rather than a plain
        // one, so that it may `@testable import` the modules (which only debug test builds allow)
        // and release builds of the tool never compile it.
        .testTarget(name: "RaftTestSupport", dependencies: ["RaftCore", "RaftSimulation"]),
        .testTarget(
            name: "RaftCoreTests", dependencies: ["RaftCore", "RaftTestSupport"],
            exclude: ["Interaction/testdata"]),
        .testTarget(name: "RaftSimulationTests", dependencies: ["RaftCore", "RaftSimulation", "RaftTestSupport"]),
        .testTarget(name: "ModelCheckingTests", dependencies: ["ModelChecking"]),
        .testTarget(
            name: "RaftModelTests",
            dependencies: ["RaftCore", "RaftSimulation", "ModelChecking", "RaftModel", "RaftTestSupport"]),
        .testTarget(
            name: "TraceRenderingTests",
            dependencies: ["RaftCore", "RaftSimulation", "TraceRendering", "RaftTestSupport"],
            exclude: ["Golden"]),
        .testTarget(
            name: "RaftFuzzingTests", dependencies: ["RaftCore", "RaftSimulation", "RaftFuzzing", "RaftCorpus"]),
        .testTarget(
            name: "RaftCorpusTests",
            dependencies: ["RaftCore", "RaftSimulation", "RaftFuzzing", "RaftCorpus", "RaftTestSupport"]),
        .testTarget(name: "LinearizabilityTests", dependencies: ["Linearizability"]),
        .testTarget(name: "CLITests", dependencies: ["RaftLabCLI", "raftlab", "RaftTestSupport"]),
    ]
)
