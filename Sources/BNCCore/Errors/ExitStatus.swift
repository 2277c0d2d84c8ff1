/// Process exit codes shared by every tool (sysexits.h, DESIGN.md §6).
package enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Success, also when the reader of our stdout went away.
    case success = 0
    /// Bad command line (EX_USAGE).
    case usage = 64
    /// Input data that cannot be processed without losing or corrupting output (EX_DATAERR).
    case dataError = 65
    /// A service (exchange, REST endpoint) could not be reached within the allowed retries
    /// (EX_UNAVAILABLE).
    case unavailable = 69
    /// An output file or directory could not be created (EX_CANTCREAT).
    case cannotCreate = 73
    /// Reading or writing a file or stream failed (EX_IOERR).
    case ioError = 74
}
