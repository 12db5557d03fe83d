/// Text taken from an input file, made safe to quote inside a one-line error message.
///
/// WorldSpec and trace files come from anywhere: a value may hold a newline that would split the
/// error in two, escape codes that would drive the reader's terminal, or megabytes that would
/// bury the message. Every decoder quotes input through `quoted(_:)`, so that an error stays one
/// short line whatever the file holds, and a reader can still see exactly what was written.
public enum UntrustedText {
    /// The most characters of a value an error message shows, escapes included; longer values
    /// are cut here and their full length is given instead.
    public static let shownCharacterLimit = 60

    /// `text` in double quotes, with invisible and line-breaking characters escaped and long
    /// values cut short.
    ///
    /// Escapes follow Swift's string literals: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u{1B}` for
    /// the other characters `mustEscape` names. When the escaped value would be longer than
    /// `shownCharacterLimit`, it is cut before the first character that does not fit and followed
    /// by `...` and the full length, as in `"aaaa"... (10485760 characters)`; the quoted form is
    /// never longer than 100 characters. Lengths count Unicode scalars, so that one grapheme
    /// built from millions of combining marks is cut short too.
    public static func quoted(_ text: String) -> String {
        var shown = "\""
        var shownCount = 0
        var isCut = false
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard !isCut else { continue }
            let piece = escaped(scalar)
            if shownCount + piece.unicodeScalars.count <= shownCharacterLimit {
                shown += piece
                shownCount += piece.unicodeScalars.count
            } else {
                isCut = true
            }
        }
        return isCut ? shown + "\"... (\(count) characters)" : shown + "\""
    }

    /// `text` with every character `mustEscape` names escaped as in `quoted(_:)`, without quotes
    /// and without cutting: for text the tool itself writes into a file that must read back as one
    /// printable line (a command-line path in a trace's producer).
    public static func escaped(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            shown += mustEscape(scalar) ? escaped(scalar) : String(scalar)
        }
        return shown
    }

    /// Whether showing `scalar` as itself could break the line, drive a terminal or hide what
    /// the text says: the C0 and C1 controls and DEL, the Unicode line and paragraph
    /// separators, the byte order mark and the bidirectional formatting characters (which can
    /// make text display in another order than it reads).
    ///
    /// The list is written out rather than read from Unicode's general categories, so that an
    /// error message does not change with the toolchain's Unicode version.
    static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029, 0xFEFF: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// How `scalar` is shown inside the quotes.
    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default:
            mustEscape(scalar) ? "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}" : String(scalar)
        }
    }
}
