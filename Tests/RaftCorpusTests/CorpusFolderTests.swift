import Foundation
import Testing

@testable import RaftCore
@testable import RaftCorpus
@testable import RaftSimulation

@Suite("Corpus folders and trace files")
struct CorpusFolderTests {
    static let example = repositoryCorpus + "/examples/vote-twice-seed-6.json"

    @Test("A corpus file is named by its content: saving the same trace again writes nothing new")
    func saveNamesByContent() throws {
        let folder = temporaryFolder("save") + "/nested/found"
        let corpus = CorpusFolder(path: folder)
        #expect(!corpus.exists)
        let trace = try TraceFile.read(Self.example)
        let first = try corpus.save(trace)
        let second = try corpus.save(trace)
        #expect(corpus.exists)
        #expect(first == second)
        let name = try #require(first.split(separator: "/").last)
        #expect(name.hasPrefix("election-safety-") && name.hasSuffix(".json"))
        #expect(name.count == "election-safety-".count + 16 + ".json".count)
        #expect(try TextFiles.read(first) == trace.encoded())
        // Another trace takes another name; no temporary file is left behind by the atomic writes.
        var other = trace
        other.producer = "another producer"
        let third = try corpus.save(other)
        #expect(third != first)
        #expect(corpus.traceFiles() == [first, third].sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 2)
    }

    @Test("A different content under a trace's name is never replaced, and is reported")
    func saveNeverOverwrites() throws {
        let folder = temporaryFolder("collision")
        let trace = try TraceFile.read(Self.example)
        let path = folder + "/" + CorpusFolder.fileName(of: trace, encoded: trace.encoded())
        try TextFiles.writeAtomically("something else", to: path)
        #expect(throws: FileError.exists(path: path)) { try CorpusFolder(path: folder).save(trace) }
        #expect(try TextFiles.read(path) == "something else")
    }

    @Test("A corpus folder under a file cannot be created, and says so")
    func uncreatableFolder() throws {
        let file = temporaryFolder("file") + "/plain"
        try TextFiles.writeAtomically("x", to: file)
        let trace = try TraceFile.read(Self.example)
        #expect(throws: FileError.corpusFolderUncreatable(path: file + "/found")) {
            try CorpusFolder(path: file + "/found").save(trace)
        }
    }

    @Test("Every entry of the repository's corpus is listed in path order and holds")
    func repositoryCorpusHolds() throws {
        let files = CorpusFolder(path: repositoryCorpus).traceFiles()
        #expect(files.count >= 12)
        #expect(files == files.sorted())
        for file in files {
            let judgement = TraceJudge.judgeCorpusEntry(try TraceFile.read(file))
            #expect(judgement.holds, "\(file): \(judgement.summary)")
        }
    }

    @Test("Reading reports what is wrong with the file, naming it")
    func readErrors() throws {
        let folder = temporaryFolder("read")
        #expect(throws: FileError.unreadable(path: folder + "/missing.json", reason: "no such file")) {
            try TraceFile.read(folder + "/missing.json")
        }
        let binary = folder + "/binary.json"
        #expect(FileManager.default.createFile(atPath: binary, contents: Data([0xff, 0xfe, 0x00])))
        #expect(throws: FileError.notText(path: binary)) { try TraceFile.read(binary) }
        let malformed = folder + "/malformed.json"
        try TextFiles.writeAtomically("{\"format\": \"raftlab-trace\", \"version\": 1, \"producer\": 3}", to: malformed)
        do {
            _ = try TraceFile.read(malformed)
            Issue.record("a malformed trace was read")
        } catch {
            guard case .malformed(let path, let detail) = error else {
                Issue.record("expected malformed, got \(error)")
                return
            }
            #expect(path == malformed)
            #expect(detail.hasPrefix("producer: "))
            #expect(error.description.hasPrefix("\(malformed): producer: "))
        }
    }

    @Test("An atomic write that must not overwrite leaves the existing file alone")
    func writeWithoutOverwrite() throws {
        let path = temporaryFolder("write") + "/a.txt"
        try TextFiles.writeAtomically("first", to: path, overwrite: false)
        #expect(throws: FileError.exists(path: path)) {
            try TextFiles.writeAtomically("second", to: path, overwrite: false)
        }
        #expect(try TextFiles.read(path) == "first")
        try TextFiles.writeAtomically("third", to: path)
        #expect(try TextFiles.read(path) == "third")
        #expect(throws: FileError.unwritable(path: "/nonexistent/dir/a.txt")) {
            try TextFiles.writeAtomically("x", to: "/nonexistent/dir/a.txt")
        }
    }
}
