// Stand-in for swift-argument-parser when fuzzing: BNCCore needs it only for
// `DurationSpec: ExpressibleByArgument`, and a libFuzzer binary has no command line of ours.
// scripts/fuzz.sh compiles this as the module `ArgumentParser` so BNCCore builds unchanged.
// The real module imports Foundation, and code above BNCCore sees Foundation's members through
// it; so does this stand-in, or such code would not compile here.
import Foundation

public protocol ExpressibleByArgument {
    init?(argument: String)
    var defaultValueDescription: String { get }
}
