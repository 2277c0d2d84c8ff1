import BNCCore

/// The model file behind `--model PATH`: every symbol's model plus the collector state needed to
/// carry on after a restart (its training buffer and how many rows the current model has scored),
/// so a restarted collector scores its first window at once and retrains on the same windows it
/// would have used without the restart.
///
/// Binary, little-endian, version `formatVersion` (2):
/// ```
/// "BNCMODEL" u32 version
/// string profile                                   (version 2; a version-1 file is `original`)
/// u32 featureCount, featureCount × string          (string = u32 byte count + UTF-8)
/// u32 entryCount, entryCount × entry
/// u64 FNV-1a-64 of every byte before it
/// entry: string symbol, u64 modelVersion, u64 rowsScoredSinceTraining,
///        u32 bufferRows, bufferRows × featureCount × f64 (raw, unscaled, oldest first),
///        u8 hasModel, then if 1:
///        f64 offset, u8 contaminationKind (0 auto, 1 fraction), f64 fraction,
///        (version 2) u8 hasSilence, then if 1: u32 source feature, f64 level, f64 fraction, f64 epsilon,
///        M × f64 mean, M × f64 scale     (M = featureCount, + 1 with the silence feature),
///        u32 maxSamples, u32 treeCount, u32 nodeCount, treeCount × i32 root,
///        nodeCount × i32 feature, nodeCount × f64 threshold, nodeCount × i32 leftChild, nodeCount × i32 leafSize
/// ```
/// Saving is atomic: a temporary file in the same directory is written and fsynced, renamed over
/// the target, and the directory is fsynced — a crash leaves the old file or the new one, never a mix.
package struct ModelFile: Sendable, Equatable {
    package static let magic: [UInt8] = Array("BNCMODEL".utf8)
    package static let formatVersion: UInt32 = 2
    /// Files from before profiles: read as the `original` profile, never written.
    package static let versionWithoutProfile: UInt32 = 1

    /// One symbol's state.
    package struct Entry: Sendable, Equatable {
        package var symbol: String
        /// How many times this symbol's model has been trained (DESIGN.md §3 `model_version`).
        package var modelVersion: Int
        package var rowsScoredSinceTraining: Int
        /// Raw feature rows of the last complete windows, row-major, oldest first.
        package var buffer: [Double]
        package var detector: AnomalyDetector?

        package init(symbol: String, modelVersion: Int, rowsScoredSinceTraining: Int, buffer: [Double],
                    detector: AnomalyDetector?) {
            self.symbol = symbol
            self.modelVersion = modelVersion
            self.rowsScoredSinceTraining = rowsScoredSinceTraining
            self.buffer = buffer
            self.detector = detector
        }
    }

    package var featureNames: [String]
    package var entries: [Entry]
    /// The profile every model in the file was trained with.
    package var profile: ModelProfile
    /// The format version the file was read from (`formatVersion` for a file built in memory).
    package private(set) var version: UInt32 = ModelFile.formatVersion

    package init(featureNames: [String], entries: [Entry], profile: ModelProfile = .original) {
        self.featureNames = featureNames
        self.entries = entries
        self.profile = profile
    }

    // MARK: Encoding

    package func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.bytes(Self.magic)
        w.u32(Self.formatVersion)
        w.string(profile.name)
        w.u32(UInt32(featureNames.count))
        for name in featureNames { w.string(name) }
        w.u32(UInt32(entries.count))
        let f = featureNames.count
        for e in entries {
            w.string(e.symbol)
            w.u64(UInt64(e.modelVersion))
            w.u64(UInt64(e.rowsScoredSinceTraining))
            w.u32(UInt32(e.buffer.count / f))
            for v in e.buffer { w.f64(v) }
            guard let d = e.detector else { w.u8(0); continue }
            w.u8(1)
            w.f64(d.offset)
            switch d.contamination {
            case .auto: w.u8(0); w.f64(0)
            case .fraction(let x): w.u8(1); w.f64(x)
            }
            if let silence = d.silence {
                w.u8(1); w.u32(UInt32(silence.source)); w.f64(silence.level); w.f64(silence.fraction); w.f64(silence.epsilon)
            } else {
                w.u8(0)
            }
            for v in d.scaler.mean { w.f64(v) }
            for v in d.scaler.scale { w.f64(v) }
            let forest = d.forest
            w.u32(UInt32(forest.maxSamples))
            w.u32(UInt32(forest.treeCount))
            w.u32(UInt32(forest.nodeCount))
            for v in forest.roots { w.i32(v) }
            for v in forest.feature { w.i32(v) }
            for v in forest.threshold { w.f64(v) }
            for v in forest.leftChild { w.i32(v) }
            for v in forest.leafSize { w.i32(v) }
        }
        w.u64(Self.fnv1a(w.data[...]))
        return w.data
    }

    /// Decodes `bytes`; `expectedFeatures`, when given, must equal the stored names exactly, and
    /// `expectedProfile` the stored profile (a version-1 file holds `original` models).
    package init(decoding bytes: [UInt8], expectedFeatures: [String]? = nil,
                 expectedProfile: ModelProfile? = nil) throws(ModelError) {
        var r = ByteReader(data: bytes)
        guard bytes.count >= 20, Array(bytes[0..<8]) == Self.magic else { throw .corrupt("missing BNCMODEL header") }
        r.offset = 8
        let version = try r.u32()
        guard version == Self.formatVersion || version == Self.versionWithoutProfile else {
            throw .unsupportedVersion(found: version, supported: Self.formatVersion)
        }
        let body = bytes[0..<(bytes.count - 8)]
        var tail = ByteReader(data: bytes, offset: bytes.count - 8)
        guard try tail.u64() == Self.fnv1a(body) else { throw .corrupt("checksum mismatch (truncated or damaged)") }
        r.end = bytes.count - 8
        var profile = ModelProfile.original
        if version >= 2 {
            let name = try r.string()
            guard let stored = ModelProfile(rawValue: name) else { throw .corrupt("unknown profile \"\(name.prefix(40))\"") }
            profile = stored
        }
        if let expectedProfile, expectedProfile != profile {
            throw .profileMismatch(file: profile, requested: expectedProfile, fileVersion: version)
        }
        let featureCount = Int(try r.u32())
        guard featureCount >= 1, featureCount <= 4096 else { throw .corrupt("bad feature count") }
        var names: [String] = []
        for _ in 0..<featureCount { names.append(try r.string()) }
        if let expectedFeatures, expectedFeatures != names {
            throw .featureMismatch(file: names, requested: expectedFeatures)
        }
        let entryCount = Int(try r.u32())
        var entries: [Entry] = []
        for _ in 0..<entryCount {
            let symbol = try r.string()
            guard let modelVersion = Int(exactly: try r.u64()), let scored = Int(exactly: try r.u64())
            else { throw .corrupt("counter out of range") }
            let bufferRows = Int(try r.u32())
            var buffer: [Double] = []
            try r.require(bufferRows * featureCount * 8)
            buffer.reserveCapacity(bufferRows * featureCount)
            for _ in 0..<(bufferRows * featureCount) { buffer.append(try r.f64()) }
            var detector: AnomalyDetector?
            if try r.u8() == 1 {
                let offset = try r.f64()
                let kind = try r.u8()
                let fraction = try r.f64()
                let contamination: Contamination = kind == 0 ? .auto : .fraction(fraction)
                var silence: SilenceFeature? = nil
                if version >= 2, try r.u8() == 1 {
                    let source = Int(try r.u32())
                    let level = try r.f64(), fraction = try r.f64()
                    let feature = SilenceFeature(source: source, level: level, fraction: fraction, epsilon: try r.f64())
                    guard feature.isValid, source < featureCount, profile.silenceSource(in: names) == source
                    else { throw .corrupt("bad silence feature") }
                    silence = feature
                }
                let modelFeatures = featureCount + (silence == nil ? 0 : 1)
                var mean: [Double] = [], scale: [Double] = []
                for _ in 0..<modelFeatures { mean.append(try r.f64()) }
                for _ in 0..<modelFeatures { scale.append(try r.f64()) }
                guard mean.allSatisfy(\.isFinite), scale.allSatisfy({ $0.isFinite && $0 > 0 }), offset.isFinite
                else { throw .corrupt("scaler or offset is not finite") }
                let maxSamples = Int(try r.u32())
                let treeCount = Int(try r.u32())
                let nodeCount = Int(try r.u32())
                try r.require(treeCount * 4 + nodeCount * 20)
                var roots: [Int32] = [], feature: [Int32] = [], threshold: [Double] = []
                var left: [Int32] = [], leafSize: [Int32] = []
                for _ in 0..<treeCount { roots.append(try r.i32()) }
                for _ in 0..<nodeCount { feature.append(try r.i32()) }
                for _ in 0..<nodeCount { threshold.append(try r.f64()) }
                for _ in 0..<nodeCount { left.append(try r.i32()) }
                for _ in 0..<nodeCount { leafSize.append(try r.i32()) }
                let forest = try IsolationForest(maxSamples: maxSamples, featureCount: modelFeatures, roots: roots,
                                                 feature: feature, threshold: threshold, leftChild: left,
                                                 leafSize: leafSize)
                detector = AnomalyDetector(featureNames: names, scaler: StandardScaler(mean: mean, scale: scale),
                                           forest: forest, offset: offset, contamination: contamination,
                                           profile: profile, silence: silence)
            }
            entries.append(Entry(symbol: symbol, modelVersion: modelVersion, rowsScoredSinceTraining: scored,
                                 buffer: buffer, detector: detector))
        }
        guard r.offset == r.end else { throw .corrupt("trailing bytes") }
        self.init(featureNames: names, entries: entries, profile: profile)
        self.version = version
    }

    // MARK: Files

    /// Loads `path`; nil when the file does not exist (a first start).
    package static func load(path: String, expectedFeatures: [String],
                             expectedProfile: ModelProfile? = nil) throws(ModelError) -> ModelFile? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return try ModelFile(decoding: data, expectedFeatures: expectedFeatures, expectedProfile: expectedProfile)
    }

    /// Writes atomically: temporary file, fsync, rename over `path`, fsync of the directory.
    /// Returns the file's size in bytes.
    @discardableResult
    package func save(path: String) throws(ModelError) -> Int {
        let bytes = encoded()
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: temporary, operation: "create", errno: errno) }
        var failure: ModelError? = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0 && errno == EINTR { continue }
                return .io(path: temporary, operation: "write", errno: errno)
            }
            return nil
        }
        if failure == nil, fsync(fd) != 0 { failure = .io(path: temporary, operation: "fsync", errno: errno) }
        close(fd)
        if let failure { unlink(temporary); throw failure }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .io(path: path, operation: "rename", errno: code)
        }
        let directory = Self.directory(of: path)
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
        return bytes.count
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}

private struct ByteWriter {
    var data: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { data.append(contentsOf: b) }
    mutating func u8(_ v: UInt8) { data.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        data.append(contentsOf: utf8)
    }
}

private struct ByteReader {
    let data: [UInt8]
    var offset: Int
    var end: Int

    init(data: [UInt8], offset: Int = 0) {
        self.data = data
        self.offset = offset
        self.end = data.count
    }

    func require(_ n: Int) throws(ModelError) {
        guard n >= 0, offset + n <= end else { throw .corrupt("truncated") }
    }

    mutating func u8() throws(ModelError) -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return data[offset]
    }

    mutating func u32() throws(ModelError) -> UInt32 { try littleEndian() }

    mutating func u64() throws(ModelError) -> UInt64 { try littleEndian() }

    /// The next `T.bitWidth / 8` bytes as a little-endian integer (the file's byte order on any machine).
    private mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>() throws(ModelError) -> T {
        let size = T.bitWidth / 8
        try require(size)
        var v: T = 0
        for k in 0..<size { v |= T(data[offset + k]) << (8 * k) }
        offset += size
        return v
    }

    mutating func i32() throws(ModelError) -> Int32 { Int32(bitPattern: try u32()) }

    /// A u64 counter that must fit in `Int` (a damaged or crafted file must not trap the conversion).
    mutating func count() throws(ModelError) -> Int {
        let v = try u64()
        guard v <= UInt64(Int.max) else { throw .corrupt("counter out of range") }
        return Int(v)
    }
    mutating func f64() throws(ModelError) -> Double { Double(bitPattern: try u64()) }

    mutating func string() throws(ModelError) -> String {
        let n = Int(try u32())
        try require(n)
        defer { offset += n }
        return String(decoding: data[offset..<(offset + n)], as: UTF8.self)
    }
}
