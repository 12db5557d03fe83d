/// An interaction script: commands, each followed by `----` and the transcript it must produce.
///
/// ```
/// # Comments and blank lines before a command are kept as they are.
/// election-timeout 1
/// ----
/// s1 handles election-timeout
///   ...
/// ```
///
/// A transcript ends at the first blank line, so transcripts never hold one. Parsing keeps every
/// other line as it was, so a script rewritten with new transcripts differs from the old one only
/// in those transcripts.
struct InteractionScript: Equatable {
    /// One command and the transcript written under it.
    struct Block: Equatable {
        /// The comment and blank lines before the command.
        var leadingLines: [String]
        /// The line of the script holding the command (1-based), for error messages.
        var lineNumber: Int
        var command: String
        var transcript: [String]
    }

    var blocks: [Block]
    /// Comment and blank lines after the last block.
    var trailingLines: [String]

    struct ParseError: Error, Equatable, CustomStringConvertible {
        var lineNumber: Int
        var message: String
        var description: String { "line \(lineNumber): \(message)" }
    }

    init(blocks: [Block], trailingLines: [String]) {
        self.blocks = blocks
        self.trailingLines = trailingLines
    }

    init(parsing text: String) throws(ParseError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var blocks: [Block] = []
        var pending: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.isEmpty || line.hasPrefix("#") {
                pending.append(line)
                index += 1
                continue
            }
            guard index + 1 < lines.count, lines[index + 1] == "----" else {
                throw ParseError(lineNumber: index + 1, message: "command '\(line)' is not followed by '----'")
            }
            var transcript: [String] = []
            var next = index + 2
            while next < lines.count && !lines[next].isEmpty {
                transcript.append(lines[next])
                next += 1
            }
            blocks.append(Block(leadingLines: pending, lineNumber: index + 1, command: line, transcript: transcript))
            pending = []
            index = next
        }
        self.init(blocks: blocks, trailingLines: pending)
    }

    /// The script as text, ending with a newline.
    var text: String {
        var lines: [String] = []
        for block in blocks {
            lines += block.leadingLines
            lines.append(block.command)
            lines.append("----")
            lines += block.transcript
        }
        lines += trailingLines
        return lines.joined(separator: "\n") + "\n"
    }
}
