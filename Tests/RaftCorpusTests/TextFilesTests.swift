import Foundation
import RaftTestSupport
import Testing

@testable import RaftCorpus

@Suite("Reading input files: every failure says why; pipes and FIFOs are inputs too")
struct TextFilesTests {
    @Test("A missing file, a directory and an unreadable file each name their reason")
    func reasons() throws {
        let folder = temporaryFolder("reasons")
        #expect(throws: FileError.unreadable(path: folder + "/missing.json", reason: "no such file")) {
            try TextFiles.read(folder + "/missing.json")
        }
        #expect(throws: FileError.unreadable(path: folder, reason: "it is a directory")) {
            try TextFiles.read(folder)
        }
        let notAFolder = folder + "/plain.json"
        try TextFiles.writeAtomically("{}", to: notAFolder)
        #expect(
            throws: FileError.unreadable(
                path: notAFolder + "/x.json", reason: "a folder on its path is not a directory")
        ) {
            try TextFiles.read(notAFolder + "/x.json")
        }
        let description = FileError.unreadable(path: "a.json", reason: "no such file").description
        #expect(description == "a.json: cannot read file: no such file")
    }

    @Test("A FIFO is read to its end, as a pipe from another process would be")
    func fifo() throws {
        let path = temporaryFolder("fifo") + "/input.json"
        #expect(mkfifo(path, 0o600) == 0)
        let text = String(repeating: "{\"k\": 1}\n", count: 20_000)
        Thread.detachNewThread {
            let handle = FileHandle(forWritingAtPath: path)
            handle?.write(Data(text.utf8))
            try? handle?.close()
        }
        #expect(try TextFiles.read(path) == text)
    }
}
