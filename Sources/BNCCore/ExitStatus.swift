/// Process exit codes shared by every tool (sysexits.h, DESIGN.md §6).
public enum ExitStatus: Int32, Sendable {
    /// Success, also when the reader of our stdout went away.
    case success = 0
    /// Bad command line.
    case usage = 64
    /// Input data that cannot be processed without losing or corrupting output.
    case dataError = 65
    /// A service (exchange, REST endpoint) could not be reached within the allowed retries.
    case unavailable = 69
    /// Reading or writing a file or stream failed.
    case ioError = 74
}
