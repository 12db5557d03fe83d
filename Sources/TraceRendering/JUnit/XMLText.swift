/// Escaping for XML text and attribute values.
///
/// JUnit files are read by CI systems with strict XML parsers: one unescaped `&` or a control
/// character from a violation message would make the whole report unreadable.
public enum XMLText {
    /// Escapes `text` for element content and double- or single-quoted attribute values.
    ///
    /// Characters XML 1.0 cannot carry at all (control characters other than tab, newline and
    /// carriage return, lone surrogates, U+FFFE and U+FFFF) are replaced with U+FFFD, since no
    /// escape can express them.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n": escaped.unicodeScalars.append(scalar)
            // A raw carriage return in an attribute would be normalised away by parsers.
            case "\r": escaped += "&#13;"
            default:
                escaped.unicodeScalars.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return escaped
    }

    /// Whether XML 1.0 allows the character (its `Char` production).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
