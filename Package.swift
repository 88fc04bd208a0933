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
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        .target(name: "KubeAPI"),
        .target(name: "TrainyardAPI", dependencies: ["KubeAPI"]),
        .target(name: "DataIO"),
        .target(name: "Learn", dependencies: ["DataIO"]),
        .target(
            name: "KubeClient",
            dependencies: [
                "KubeAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Tracking",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ControllerRuntime",
            dependencies: [
                "KubeAPI",
                "KubeClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
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
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "DevRuntime",
            dependencies: [
                "KubeAPI",
                "KubeClient",
                "ControllerRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Training",
            dependencies: [
                "DataIO", "Learn", "Tracking", "TrainyardAPI",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Serving",
            dependencies: [
                "DataIO", "Learn", "Tracking", "KubeAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Controllers",
            dependencies: [
                "ControllerRuntime", "KubeClient", "KubeAPI", "TrainyardAPI", "Tracking", "Learn",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "trainyard",
            dependencies: [
                "Controllers",
                "Serving",
                "Training",
                "TrainyardAPI",
                "DevCluster",
                "DevRuntime",
                "DataIO",
                "Learn",
                "Tracking",
                "ControllerRuntime",
                "KubeClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "trainyard-bench",
            dependencies: [
                "ControllerRuntime", "KubeClient", "KubeAPI", "DataIO", "Learn", "TrainyardAPI",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/TrainyardBench"
        ),
        .target(
            name: "TrainyardTesting",
            dependencies: [
                "DevCluster", "KubeAPI", "KubeClient", "DataIO", "ControllerRuntime", "DevRuntime", "Tracking", "Controllers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI"]),
        .testTarget(name: "TrainyardAPITests", dependencies: ["TrainyardAPI", "TrainyardTesting"]),
        .testTarget(name: "DevClusterTests", dependencies: ["DevCluster", "TrainyardTesting"]),
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "KubeClient", "KubeAPI", "DevCluster", "TrainyardTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "ControllerRuntimeTests",
            dependencies: ["ControllerRuntime", "KubeClient", "DevCluster", "TrainyardTesting"]
        ),
        .testTarget(name: "DataIOTests", dependencies: ["DataIO"]),
        .testTarget(
            name: "ControllersTests",
            dependencies: [
                "Controllers", "ControllerRuntime", "KubeClient", "TrainyardAPI", "KubeAPI", "Tracking", "DevRuntime", "DevCluster",
                "TrainyardTesting",
            ]
        ),
        .testTarget(
            name: "ServingTests",
            dependencies: [
                "Serving", "Learn", "DataIO", "Tracking", "KubeAPI", "TrainyardTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "TrackingTests", dependencies: ["Tracking", "TrainyardTesting"]),
        .testTarget(name: "LearnTests", dependencies: ["Learn", "DataIO", "KubeAPI", "TrainyardTesting"]),
        .testTarget(name: "KubectlIntegrationTests", dependencies: ["DevCluster", "TrainyardTesting"]),
        .testTarget(
            name: "DevRuntimeTests",
            dependencies: [
                "DevRuntime", "DevCluster", "KubeAPI", "KubeClient", "TrainyardTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
