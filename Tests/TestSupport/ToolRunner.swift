import Foundation

/// Runs the built executables (the `bnc-*` products sit next to the test bundle in the build
/// folder) with real pipes, for the end-to-end tests.
package struct ToolRunner {
    package struct Result {
        package var status: Int32
        package var stdout: Data
        package var stderr: Data
        package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        package var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        package var stdoutLines: [Substring] { stdoutText.split(separator: "\n", omittingEmptySubsequences: true) }
    }

    /// The package root (holds Package.swift).
    package static var packageRoot: URL { PackagePaths.root }

    /// `../shared/data` beside the package root: the integration tier only.
    package static var sharedData: URL { PackagePaths.sharedData }

    /// The folder holding the built products (`.build/debug` or whatever scratch path is in use).
    package static let productsDirectory: URL = {
        var url = Bundle.main.bundleURL
        // swift-testing runs inside the xctest bundle/executable located in the products folder.
        for candidate in [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()] {
            if FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("bnc-window").path) {
                return candidate
            }
            url = candidate
        }
        return url
    }()

    package static func executable(_ name: String) -> URL { productsDirectory.appendingPathComponent(name) }

    /// Runs `tool` with `arguments`, feeding `stdin` (if any) and collecting both outputs.
    package static func run(_ tool: String, _ arguments: [String], stdin: Data? = nil,
                    environment: [String: String]? = nil) throws -> Result {
        try spawn(executable(tool).path, arguments, stdin: stdin,
                  environment: environment ?? ProcessInfo.processInfo.environment)
    }

    /// Runs a shell pipeline (`bash -o pipefail -c`) in the package root with the products folder
    /// first on PATH, so tests can connect the real tools with real pipes exactly as users do.
    package static func shell(_ script: String, environment extra: [String: String] = [:]) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = productsDirectory.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        for (k, v) in extra { env[k] = v }
        let root = packageRoot.path.replacingOccurrences(of: "'", with: "'\\''")
        return try spawn("/bin/bash", ["-o", "pipefail", "-c", "cd '\(root)' || exit 70\n" + script],
                         stdin: nil, environment: env)
    }

    package struct SpawnError: Error, CustomStringConvertible {
        package var description: String
    }

    /// `posix_spawn` + `waitpid` rather than Foundation's `Process`: on Linux, `Process` learns of
    /// a child's exit through a socket the child inherits, so a background grandchild (a server
    /// a script left running) makes `waitUntilExit` hang forever. Here the exit status comes
    /// from `waitpid`, and once the child has exited its pipes are drained for at most two more
    /// seconds of silence, so a leaked grandchild holding them open cannot hang a test either.
    /// Children start with no blocked signals and default dispositions (the test runner's
    /// threads block SIGTERM/SIGINT, which would otherwise be inherited).
    package static func spawn(_ path: String, _ arguments: [String], stdin: Data?,
                      environment: [String: String]) throws -> Result {
        signal(SIGPIPE, SIG_IGN)
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0
        else { throw SpawnError(description: "pipe failed: errno \(errno)") }
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if stdin != nil {
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t(), defaults = sigset_t()
        sigemptyset(&emptyMask)
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard spawned == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw SpawnError(description: "cannot start \(path): errno \(spawned)")
        }

        // Feed stdin on its own thread (a tool may not read it all before exiting: EPIPE is fine).
        let writerDone = DispatchSemaphore(value: 0)
        if let stdin {
            let fd = inPipe[1]
            Thread.detachNewThread {
                stdin.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                        if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
                    }
                }
                close(fd)
                writerDone.signal()
            }
        } else {
            close(inPipe[1])
            writerDone.signal()
        }

        var out = [UInt8](), err = [UInt8]()
        var open: [Int32: Bool] = [outPipe[0]: true, errPipe[0]: true]
        var status: Int32 = 0
        var exited = false
        var quietSinceExit = 0
        var chunk = [UInt8](repeating: 0, count: 65536)
        while open.values.contains(true) {
            var fds = open.filter(\.value).map { pollfd(fd: $0.key, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), 100)
            if ready > 0 {
                for p in fds where p.revents != 0 {
                    let n = chunk.withUnsafeMutableBytes { read(p.fd, $0.baseAddress!, $0.count) }
                    if n > 0 {
                        if p.fd == outPipe[0] { out += chunk[0..<n] } else { err += chunk[0..<n] }
                    } else if n == 0 || errno != EINTR {
                        open[p.fd] = false
                    }
                }
                quietSinceExit = 0
            } else if exited {
                quietSinceExit += 1
                if quietSinceExit >= 20 { break }   // 2 s of silence after exit: a grandchild holds the pipe
            }
            if !exited {
                var raw: Int32 = 0
                let r = waitpid(pid, &raw, WNOHANG)
                if r == pid { exited = true; status = raw }
            }
        }
        close(outPipe[0]); close(errPipe[0])
        if !exited {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status = raw
        }
        _ = writerDone.wait(timeout: .now() + 2)
        // Exit status as Foundation reports it: the code, or the signal number if killed.
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
        return Result(status: code, stdout: Data(out), stderr: Data(err))
    }

    /// A fresh temporary directory, removed by the caller with `cleanup`.
    package static func temporaryDirectory(_ label: String = "bnc") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
