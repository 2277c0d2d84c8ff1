import Foundation

/// Where the tests find the package and its data, from this file's place in the source tree
/// (`Tests/TestSupport/PackagePaths.swift`), so no test depends on the working directory.
package enum PackagePaths {
    /// The package root (holds Package.swift).
    package static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The small real-data slices the fast tier runs on (`Tests/Fixtures`, origins in its README).
    package static let fixtures: URL = root.appendingPathComponent("Tests/Fixtures")

    /// `../shared/data` beside the package root: the full captures and reference data. Only the
    /// integration tier (BNC_INTEGRATION=1) may read it; the fast tier must pass without it.
    package static let sharedData: URL = root.deletingLastPathComponent().appendingPathComponent("shared/data")
}
