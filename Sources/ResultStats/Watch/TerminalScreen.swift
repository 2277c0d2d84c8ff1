import BNCCore
import Synchronization

/// The terminal under the live view, in plain ANSI (no curses): the alternate screen, a hidden
/// cursor and no echo while it runs; each frame repaints from the top with every line cleared to
/// its end, so nothing scrolls. `leave` puts everything back — the caller runs it on every way
/// out (end of input, SIGINT, SIGTERM, an error). SIGWINCH only sets a flag the loop reads.
package final class TerminalScreen {
    private static let resizedFlag = Atomic<Bool>(false)
    private static let suspendFlag = Atomic<Bool>(false)
    private let fd: Int32
    private var saved = termios()
    private var savedValid = false
    private var active = false

    package init(fileDescriptor: Int32 = 1) { self.fd = fileDescriptor }

    /// Whether `fd` is a terminal (the live view is drawn only then).
    package static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// SIGWINCH and SIGTSTP (Ctrl-Z) set flags (no SA_RESTART: a sleeping poll wakes up at once);
    /// the loop repaints, or restores the terminal before it stops (`suspend`).
    package static func installHandlers() {
        let handlers: [(Int32, @convention(c) (Int32) -> Void)] = [
            (SIGWINCH, { _ in TerminalScreen.resizedFlag.store(true, ordering: .relaxed) }),
            (SIGTSTP, { _ in TerminalScreen.suspendFlag.store(true, ordering: .relaxed) }),
        ]
        for (sig, handler) in handlers {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = handler
            #else
            action.__sigaction_u.__sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    /// True once after each resize.
    package static func takeResize() -> Bool { resizedFlag.exchange(false, ordering: .relaxed) }

    /// True once after each Ctrl-Z.
    package static func takeSuspend() -> Bool { suspendFlag.exchange(false, ordering: .relaxed) }

    /// Ctrl-Z: the terminal restored, the process stopped (SIGSTOP) until the shell's `fg`
    /// continues it; then the view comes back.
    package func suspend() {
        let wasActive = active
        leave()
        kill(getpid(), SIGSTOP)
        if wasActive { enter() }
    }

    /// Columns and rows (80×24 when the size cannot be read).
    package func size() -> (width: Int, height: Int) {
        var ws = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 { return (Int(ws.ws_col), Int(ws.ws_row)) }
        return (80, 24)
    }

    package func enter() {
        guard !active else { return }
        active = true
        if isatty(0) == 1, tcgetattr(0, &saved) == 0 {
            savedValid = true
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO | ICANON)
            tcsetattr(0, TCSANOW, &quiet)
        }
        put("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// Repaints: from the top-left, each line cleared to its end, the rest of the screen cleared.
    package func draw(_ lines: [LiveViewRenderer.Line]) {
        guard active else { return }
        var out = "\u{1B}[H"
        for (i, line) in lines.enumerated() {
            let style: String
            switch line.style {
            case .plain: style = ""
            case .header: style = "\u{1B}[1;7m"
            case .symbol: style = "\u{1B}[1m"
            case .alert: style = "\u{1B}[1;31m"
            case .dim: style = "\u{1B}[2m"
            }
            out += style + line.text + (style.isEmpty ? "" : "\u{1B}[0m") + "\u{1B}[K"
            if i < lines.count - 1 { out += "\r\n" }
        }
        out += "\u{1B}[J"
        put(out)
    }

    /// Restores what `enter` changed; safe to call more than once.
    package func leave() {
        guard active else { return }
        active = false
        put("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        if savedValid { tcsetattr(0, TCSANOW, &saved) }
    }

    private func put(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
