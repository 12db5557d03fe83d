// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "raftlab",
    products: [
        .executable(name: "raftlab", targets: ["raftlab"])
    ],
    targets: [
        // MARK: - The protocol: one Raft server, a pure value type.
        .target(name: "RaftCore"),

        // MARK: - The world the servers live in: network, disks, faults, invariants, traces.
        .target(name: "RaftSimulation", dependencies: ["RaftCore"]),

        // MARK: - Counterexamples people can read: text, Mermaid, HTML; JUnit reports for CI.
        .target(name: "TraceRendering", dependencies: ["RaftCore", "RaftSimulation"]),

        // MARK: - The command-line tool.
        .target(name: "RaftLabCLI", dependencies: ["RaftCore", "RaftSimulation", "TraceRendering"]),
        .executableTarget(name: "raftlab", dependencies: ["RaftLabCLI"]),

        // MARK: - Tests.
        .testTarget(name: "RaftCoreTests", dependencies: ["RaftCore"]),
        .testTarget(name: "RaftSimulationTests", dependencies: ["RaftCore", "RaftSimulation"]),
        .testTarget(
            name: "TraceRenderingTests", dependencies: ["RaftCore", "RaftSimulation", "TraceRendering"],
            exclude: ["Golden"]),
        .testTarget(name: "CLITests", dependencies: ["RaftLabCLI", "raftlab"]),
    ]
)
