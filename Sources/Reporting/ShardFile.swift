import ScenarioLanguage
import SimStats

/// The shard file (README "Scale-out"): what one shard of a run wrote, in one file written
/// atomically. Layout, version `version`:
///
///     "CAPSIMSH"                 8 bytes: what the file is
///     version                    4 bytes, little-endian
///     manifest length, manifest  4 bytes, then the manifest as JSON text (`ShardManifest`)
///     per task, ascending:       "R", 4 bytes of length, the record: the task id (a varint),
///                                then its replication's result (`ReplicationCodec`)
///     "E", record count          8 bytes
///     checksum                   8 bytes: FNV-1a 64 of every byte before it
///
/// Reading checks all of it — the end marker (a truncated file has none), the checksum (a
/// damaged one), the manifest, every record's framing, task id and contents — before a merge
/// uses anything, so a bad file is named and never merged.
public enum ShardFile {
    public static let formatName = "capsim shard"
    public static let version: UInt32 = 1
    /// The extension of shard files: a merge reads every `*.capsim-shard` of a folder.
    public static let fileExtension = "capsim-shard"
    static let magic = Array("CAPSIMSH".utf8)
    static let recordTag = UInt8(ascii: "R")
    static let endTag = UInt8(ascii: "E")
    /// "E", the record count and the checksum.
    static let trailerSize = 17

    /// Why a shard file cannot be used.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// Magic, version and manifest: the start of the file.
    public static func header(_ manifest: ShardManifest) -> [UInt8] {
        var w = ByteWriter()
        w.append(contentsOf: magic)
        w.fixed32(version)
        let text = Array(manifest.json.text.utf8)
        w.fixed32(UInt32(text.count))
        w.append(contentsOf: text)
        return w.bytes
    }

    /// One task's record, framed.
    public static func record(task: Int, _ result: ReplicationResult) -> [UInt8] {
        var body = ByteWriter()
        body.varint(task)
        ReplicationCodec.encode(result, into: &body)
        var w = ByteWriter()
        w.byte(recordTag)
        w.fixed32(UInt32(body.bytes.count))
        w.append(contentsOf: body.bytes)
        return w.bytes
    }

    /// The end marker and record count; the checksum of everything up to here follows it.
    public static func trailer(records: Int) -> [UInt8] {
        var w = ByteWriter()
        w.byte(endTag)
        w.fixed64(UInt64(records))
        return w.bytes
    }

    public static func checksum(_ value: UInt64) -> [UInt8] {
        var w = ByteWriter()
        w.fixed64(value)
        return w.bytes
    }

    /// A whole file in memory (tests; the command line streams records instead).
    public static func encode(_ manifest: ShardManifest, records: [(task: Int, result: ReplicationResult)]) -> [UInt8] {
        var bytes = header(manifest)
        for r in records { bytes += record(task: r.task, r.result) }
        bytes += trailer(records: records.count)
        var sum = FNV1a64()
        sum.update(bytes)
        return bytes + checksum(sum.value)
    }

    /// A shard file read and checked: its manifest, and where each task's record lies.
    public struct Contents: Sendable {
        public var manifest: ShardManifest
        public var source: ShardBytes
        /// The byte range of each record's body, aligned with `manifest.taskList`.
        public var records: [Range<Int>]

        /// The result of the k-th task of the file.
        public func result(_ k: Int) throws(Failure) -> ReplicationResult {
            let task = manifest.taskList[k]
            guard let design = manifest.designs.last(where: { $0.first <= task && $0.replications > 0 }) else {
                throw Failure("\(source.name): task \(task) belongs to no design")
            }
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: source.bytes[records[k]]))
            do throws(ByteReader.Failure) {
                _ = try reader.varint("task id")
                let r = try ReplicationCodec.decode(
                    &reader, metrics: design.metrics, histograms: design.histograms,
                    distributions: design.distributions)
                guard r.replication == task - design.first else {
                    throw reader.failure(
                        "task \(task) holds replication \(r.replication), not \(task - design.first) of its design")
                }
                guard reader.remaining == 0 else { throw reader.failure("\(reader.remaining) bytes after the result") }
                return r
            } catch {
                throw Failure("\(source.name): damaged record of task \(task): \(error)")
            }
        }
    }

    /// Reads and checks a whole file (see the type's comment).
    public static func read(_ source: ShardBytes) throws(Failure) -> Contents {
        let bytes = source.bytes
        let name = source.name
        func fail(_ message: String) -> Failure { Failure("\(name): \(message)") }
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw fail("not a capsim shard file (it does not start with CAPSIMSH)")
        }
        var reader = ByteReader(bytes, from: magic.count)
        let v: UInt32
        do throws(ByteReader.Failure) { v = try reader.fixed32("the format version") } catch {
            throw fail("truncated: \(error)")
        }
        guard v == version else { throw fail("shard format version \(v); this capsim reads version \(version)") }
        // The end first: a file cut short has no end marker, a damaged one fails the checksum.
        let end = bytes.count - trailerSize
        guard end >= reader.position, bytes[end] == endTag else {
            throw fail(
                "truncated or incomplete: it does not end with the end marker (\(bytes.count) bytes; was the shard interrupted, or the copy cut short?)"
            )
        }
        var sum = FNV1a64()
        sum.update(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)]))
        var tail = ByteReader(bytes, from: end + 1)
        let recordCount: UInt64
        let stored: UInt64
        do throws(ByteReader.Failure) {
            recordCount = try tail.fixed64()
            stored = try tail.fixed64()
        } catch {
            throw fail("truncated: \(error)")
        }
        guard sum.value == stored else {
            throw fail("damaged: its checksum does not match its contents (the file was altered or corrupted)")
        }
        let text: [UInt8]
        do throws(ByteReader.Failure) {
            let length = Int(try reader.fixed32("the manifest's length"))
            guard length <= end - reader.position else { throw reader.failure("the manifest runs past the records") }
            text = Array(try reader.span(length, "the manifest"))
        } catch {
            throw fail("damaged: \(error)")
        }
        let manifest: ShardManifest
        do throws(ShardFile.Failure) {
            let json: JSONValue
            do throws(JSONParseError) { json = try JSONValue.parse(text) } catch {
                throw Failure("manifest: not JSON: \(error)")
            }
            manifest = try ShardManifest(json: json)
        } catch {
            throw fail(error.message)
        }
        var records: [Range<Int>] = []
        do throws(ByteReader.Failure) {
            while reader.position < end {
                guard try reader.byte("a record's tag") == recordTag else { throw reader.failure("expected a record") }
                let length = Int(try reader.fixed32("a record's length"))
                guard length <= end - reader.position else { throw reader.failure("a record runs past the end marker") }
                records.append(reader.position..<(reader.position + length))
                _ = try reader.span(length, "a record")
            }
        } catch {
            throw fail("damaged: \(error)")
        }
        guard UInt64(records.count) == recordCount, records.count == manifest.taskList.count else {
            throw fail(
                "damaged: \(records.count) records, the end marker counts \(recordCount) and the manifest lists \(manifest.taskList.count) tasks"
            )
        }
        let contents = Contents(manifest: manifest, source: source, records: records)
        for (k, range) in records.enumerated() {
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[range]))
            let task: UInt64
            do throws(ByteReader.Failure) { task = try r.varint("task id") } catch {
                throw fail("damaged record \(k): \(error)")
            }
            guard task == UInt64(manifest.taskList[k]) else {
                throw fail("damaged: record \(k) is task \(task), the manifest lists \(manifest.taskList[k])")
            }
            // Decoded once here, so that nothing of a bad file reaches a merge.
            _ = try contents.result(k)
        }
        return contents
    }
}
