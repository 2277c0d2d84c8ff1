import BNCCore
import Testing
import TestSupport

/// SIGINT/SIGTERM become the stop flag the tools' loops poll, instead of killing the process.
@Suite("SignalTrap: a signal to ourselves sets the flag")
struct SignalTrapTests {
    @Test("SIGTERM and SIGINT, raised to this thread, set the flag and name the signal", arguments: [SIGTERM, SIGINT])
    func raisedSignalSetsTheFlag(signal: Int32) {
        StopFlag.exclusive(clear: { SignalTrap.requestStop(0) }) {
            SignalTrap.install()   // installs the handler and unblocks the signals on this thread
            #expect(!SignalTrap.stopRequested)
            // raise() delivers to the calling thread, where install() just unblocked it: the
            // handler has run when raise returns, and the process is still alive.
            #expect(raise(signal) == 0)
            #expect(SignalTrap.stopRequested)
            #expect(SignalTrap.receivedSignal == signal)
        }
    }

    @Test("SIGPIPE is ignored: a write to a closed pipe fails with EPIPE instead of killing us")
    func sigpipeIsIgnored() throws {
        SignalTrap.install()
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        let byte: [UInt8] = [0x0A]
        #expect(write(fds[1], byte, 1) == -1 && errno == EPIPE)
    }
}
