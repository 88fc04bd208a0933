// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "trainyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trainyard", targets: ["trainyard"]),
        .library(name: "DevCluster", targets: ["DevCluster"]),
        .library(name: "TrainyardAPI", targets: ["TrainyardAPI"]),
        .library(name: "TrainyardTesting", targets: ["TrainyardTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .target(name: "KubeAPI"),
        .target(name: "TrainyardAPI", dependencies: ["KubeAPI"]),
        .target(
            name: "DevCluster",
            dependencies: [
                "KubeAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "trainyard",
            dependencies: [
                "DevCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TrainyardTesting",
            dependencies: ["DevCluster", "KubeAPI", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI"]),
        .testTarget(name: "TrainyardAPITests", dependencies: ["TrainyardAPI", "TrainyardTesting"]),
        .testTarget(name: "DevClusterTests", dependencies: ["DevCluster", "TrainyardTesting"]),
        .testTarget(name: "KubectlIntegrationTests", dependencies: ["DevCluster", "TrainyardTesting"]),
    ],
    swiftLanguageModes: [.v6]
)
