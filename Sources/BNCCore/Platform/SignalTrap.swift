import Synchronization

/// SIGINT/SIGTERM become a flag the main loop polls, so a tool finishes the row it is writing,
/// flushes, and exits 0 instead of dying mid-write. SIGPIPE is ignored: a closed downstream pipe
/// shows up as `EPIPE` from `write`, which `OutputBuffer` turns into a quiet, successful exit.
///
/// The handlers are installed without `SA_RESTART`, so a blocking `read` or `poll` returns `EINTR`
/// and the caller gets to look at the flag.
package enum SignalTrap {
    private static let requested = Atomic<Int32>(0)

    /// Installs the handlers once; safe to call more than once.
    package static func install() {
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { signo in SignalTrap.requested.store(signo, ordering: .relaxed) }
            #else
            action.__sigaction_u.__sa_handler = { signo in SignalTrap.requested.store(signo, ordering: .relaxed) }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
        // A parent may hand us a blocked mask (test runners and some spawners do): a blocked
        // SIGTERM would stay pending forever and the tool could never be stopped cleanly.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        sigaddset(&unblock, SIGPIPE)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// True once SIGINT or SIGTERM arrived.
    package static var stopRequested: Bool { requested.load(ordering: .relaxed) != 0 }

    /// The signal that set the flag (0 while none has).
    package static var receivedSignal: Int32 { requested.load(ordering: .relaxed) }

    /// Sets (or, with 0, clears) the flag as a signal would: the hook in-process tests use to stop
    /// a loop, or to reset the flag between them.
    package static func requestStop(_ signal: Int32 = SIGTERM) { requested.store(signal, ordering: .relaxed) }
}
