import Foundation
import Testing
import TestSupport
@testable import BNCCore

/// `LineAlignedChunks` cuts a file only after a `\n`; `OrderedChunkMap` hands the ranges' results
/// back in file order whatever thread made them.
@Suite("Line-aligned chunks and the ordered chunk map")
struct OrderedChunkMapTests {
    static func withFile<R>(_ bytes: [UInt8], _ body: (Int32) throws -> R) throws -> R {
        let dir = try ToolRunner.temporaryDirectory("chunks")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("f")
        try Data(bytes).write(to: url)
        let fd = open(url.path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        return try body(fd)
    }

    /// Lines of random lengths 0…300 (some much longer), with or without a last newline.
    static func sample(seed: UInt64, lastNewline: Bool) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        for n in 0..<400 {
            let length = n % 97 == 5 ? 70_000 : Int(random.next() % 300)
            bytes += (0..<length).map { UInt8(97 + ($0 + n) % 26) }
            bytes.append(0x0A)
        }
        if !lastNewline { bytes += Array("tail without newline".utf8) }
        return bytes
    }

    @Test("ranges end after a newline, cover the file up to its last newline, and are at least the target long",
          arguments: [1, 2, 100, 4_096, 65_536, 1 << 20])
    func rangesAreLineAligned(target: Int) throws {
        for lastNewline in [true, false] {
            let bytes = Self.sample(seed: UInt64(target), lastNewline: lastNewline)
            let lastLF = bytes.lastIndex(of: 0x0A)! + 1
            for start in [0, 1, 3_000] {
                let chunks = try Self.withFile(bytes) { fd in
                    LineAlignedChunks.cut(fileDescriptor: fd, from: start, size: bytes.count, targetSize: target)
                }
                let c = try #require(chunks)
                #expect(c.start == start)
                #expect(c.end == lastLF)
                for k in 0..<c.count {
                    let r = c.range(k)
                    #expect(!r.isEmpty && bytes[r.upperBound - 1] == 0x0A)
                    if k < c.count - 1 { #expect(r.count >= target) }
                }
            }
        }
    }

    @Test("no newline at all: no ranges")
    func noNewline() throws {
        let bytes = Array("just one unfinished line".utf8)
        let chunks = try Self.withFile(bytes) { fd in
            LineAlignedChunks.cut(fileDescriptor: fd, from: 0, size: bytes.count, targetSize: 4)
        }
        #expect(chunks?.count == 0 && chunks?.end == 0)
    }

    @Test("results come back in file order and together are the file", arguments: [1, 2, 3, 8])
    func resultsInOrder(threads: Int) throws {
        let bytes = Self.sample(seed: 99, lastNewline: true)
        let joined = try Self.withFile(bytes) { fd -> [UInt8] in
            let chunks = try #require(LineAlignedChunks.cut(fileDescriptor: fd, from: 0, size: bytes.count, targetSize: 500))
            let map = OrderedChunkMap(fileDescriptor: fd, chunks: chunks, threads: threads) { bytes, _ in Array(bytes) }
            var all: [UInt8] = []
            var results = 0
            while let result = map.next() {
                all += try result.get()
                results += 1
            }
            #expect(results == chunks.count)
            return all
        }
        #expect(joined == bytes)
    }

    @Test("dropping the map early stops and joins its workers")
    func dropEarly() throws {
        let bytes = Self.sample(seed: 5, lastNewline: true)
        try Self.withFile(bytes) { fd in
            let chunks = try #require(LineAlignedChunks.cut(fileDescriptor: fd, from: 0, size: bytes.count, targetSize: 100))
            for _ in 0..<20 {
                let map = OrderedChunkMap(fileDescriptor: fd, chunks: chunks, threads: 3) { bytes, _ in bytes.count }
                _ = map.next()
            }
        }
    }
}
