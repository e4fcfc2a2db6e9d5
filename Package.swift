// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "watchlistd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "watchlistd", targets: ["watchlistd"]),
        .library(name: "WatchlistCore", targets: ["WatchlistCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // libcurl behind non-variadic wrappers; only Feeds/ and Alerts/ wrappers use it.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // HMAC-SHA256 for webhook signatures, from OpenSSL's libcrypto (libssl-dev), behind plain C types.
        .target(
            name: "CHMAC",
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        // syslog(3) with a fixed "%s" format, so feed text is never a format string.
        .target(name: "CPosix"),
        // ICU's dictionary word breaks (system libicu), behind a plain-C header.
        .target(
            name: "CICUWords",
            linkerSettings: [.linkedLibrary("icuuc")]
        ),
        // libxml2's SAX2 parser for feeds, behind a plain-C header (see cfeedxml.h).
        .target(
            name: "CFeedXML",
            cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])],
            linkerSettings: [.linkedLibrary("xml2")]
        ),
        // OpenCC's C API (libopencc-dev), used once at start-up to build the script-folding table.
        .systemLibrary(name: "COpenCC", pkgConfig: "opencc", providers: [.apt(["libopencc-dev"])]),
        .target(
            name: "WatchlistCore",
            dependencies: [
                "CCurl", "CHMAC", "CPosix", "COpenCC", "CICUWords", "CFeedXML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // `watchlistd --version` names the commit: BuildInfo.swift is generated at build time.
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .executableTarget(
            name: "watchlistd",
            dependencies: [
                "WatchlistCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["BuildInfo"]
        ),
        // `make conformance`: the parser over third-party corpora in ../shared/data (not a test).
        .executableTarget(
            name: "watchlistd-conformance",
            dependencies: ["WatchlistCore"]
        ),
        // `make bench-feeds`: parse throughput and whole-cycle timings (not a test).
        .executableTarget(
            name: "watchlistd-bench",
            dependencies: ["WatchlistCore", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "WatchlistCoreTests",
            dependencies: [
                "WatchlistCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
