import BNCCore

/// Why an endpoint or symbol list cannot be used.
package enum StreamConfigurationError: ToolError, Sendable, Equatable {
    case badEndpoint(String)
    case badSymbol(String)
    case tooManySymbols(Int)

    package var description: String {
        switch self {
        case .badEndpoint(let e): return "endpoint \"\(e)\" is not a ws:// or wss:// URL"
        case .badSymbol(let s): return "symbol \"\(s)\" must be letters and digits"
        case .tooManySymbols(let n): return "\(n) symbols: Binance allows at most \(StreamEndpoint.maxStreamsPerConnection) streams per connection"
        }
    }

    /// Only the command line names endpoints and symbols.
    package var exitStatus: ExitStatus { .usage }
}

/// Which Binance stream to subscribe to for each symbol.
package enum StreamKind: String, Sendable, CaseIterable {
    case trade
    case aggTrade
}

/// Where to connect: the URL libcurl opens (https/http, since Debian's libcurl has no ws scheme)
/// and the request target of the upgrade.
package struct StreamEndpoint: Sendable, Equatable {
    package static let maxStreamsPerConnection = 1024
    /// Longest request target we put streams in: Binance refuses URLs past about 8,000
    /// characters, so a combined stream URL carries only the first ~250 streams; the rest are
    /// subscribed with SUBSCRIBE messages (`subscriptions`), paced by `SubscriptionPacer`.
    package static let maxTargetLength = 4000
    /// Streams per SUBSCRIBE message (Binance silently drops messages with a few hundred).
    package static let streamsPerSubscription = 200

    package var secure: Bool
    package var host: String
    package var port: Int
    /// Path and query of the upgrade request, e.g. `/ws/btcusdt@trade`.
    package var target: String
    /// Streams that did not fit in `target`, in SUBSCRIBE batches, sent once the connection is open.
    package var subscriptions: [[String]] = []

    /// One symbol: `/ws/<symbol>@<kind>`; several: the combined stream `/stream?streams=a@kind/b@kind`,
    /// whose `{"stream":…,"data":…}` envelope the feed unwraps.
    package init(endpoint: String, symbols: [String], kind: StreamKind) throws(StreamConfigurationError) {
        guard !symbols.isEmpty, symbols.count <= Self.maxStreamsPerConnection else { throw .tooManySymbols(symbols.count) }
        var rest: Substring
        if endpoint.hasPrefix("wss://") { secure = true; rest = endpoint.dropFirst(6) }
        else if endpoint.hasPrefix("ws://") { secure = false; rest = endpoint.dropFirst(5) }
        else { throw .badEndpoint(endpoint) }
        var basePath = ""
        if let slash = rest.firstIndex(of: "/") {
            basePath = String(rest[slash...])
            rest = rest[..<slash]
            while basePath.hasSuffix("/") { basePath.removeLast() }
        }
        guard !rest.isEmpty else { throw .badEndpoint(endpoint) }
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { throw .badEndpoint(endpoint) }
            host = String(rest[..<colon]); port = p
        } else {
            host = String(rest); port = secure ? 443 : 80
        }
        guard !host.isEmpty else { throw .badEndpoint(endpoint) }
        var names: [String] = []
        for symbol in symbols {
            guard !symbol.isEmpty, symbol.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) }) else {
                throw .badSymbol(symbol)
            }
            names.append(symbol.lowercased() + "@" + kind.rawValue)
        }
        if names.count == 1 {
            target = basePath + "/ws/" + names[0]
        } else {
            var t = basePath + "/stream?streams=" + names[0]
            var inURL = 1
            while inURL < names.count, t.utf8.count + 1 + names[inURL].utf8.count <= Self.maxTargetLength {
                t += "/" + names[inURL]
                inURL += 1
            }
            target = t
            var rest = names[inURL...]
            while !rest.isEmpty {
                subscriptions.append(Array(rest.prefix(Self.streamsPerSubscription)))
                rest = rest.dropFirst(Self.streamsPerSubscription)
            }
        }
    }

    /// The URL handed to libcurl for the TCP/TLS connection.
    package var curlURL: String { (secure ? "https://" : "http://") + host + ":" + String(port) + "/" }

    package var hostHeader: String {
        let defaultPort = secure ? 443 : 80
        return port == defaultPort ? host : host + ":" + String(port)
    }

    package var description: String { (secure ? "wss://" : "ws://") + hostHeader + target }

    /// `description`, shortened for diagnostics when the URL carries many streams.
    package var summary: String {
        let inURL = target.utf8.filter { $0 == UInt8(ascii: "@") }.count
        guard target.utf8.count > 200 else { return description }
        let base = (secure ? "wss://" : "ws://") + hostHeader + String(target.prefix { $0 != "=" }) + "=…"
        let subscribed = subscriptions.reduce(0) { $0 + $1.count }
        return base + " (\(inURL) streams in the URL" + (subscribed > 0 ? ", \(subscribed) by SUBSCRIBE)" : ")")
    }
}
