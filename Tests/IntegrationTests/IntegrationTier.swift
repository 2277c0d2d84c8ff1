import Foundation
import Testing

extension Trait where Self == ConditionTrait {
    /// The integration tier runs only when asked (`BNC_INTEGRATION=1`, as scripts/test.sh does):
    /// it needs python3 with the pinned packages, chromium, faketime, root for some faults, and
    /// `../shared/data`. A plain `swift test` reports these suites as skipped.
    static var integration: Self {
        .enabled(if: ProcessInfo.processInfo.environment["BNC_INTEGRATION"] == "1",
                 "integration tier: set BNC_INTEGRATION=1 (needs python3, chromium, faketime, ../shared)")
    }
}
