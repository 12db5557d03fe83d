import Testing

@testable import RaftSimulation

/// Whether `text` could not split a line or drive a terminal: no C0 or C1 control, no DEL and no
/// Unicode line or paragraph separator.
func isOneSafeLine(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { scalar in
        !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
            || scalar.value == 0x2029)
    }
}

@Suite("Untrusted text in error messages")
struct UntrustedTextTests {
    @Test(
        "Control, separator and bidirectional characters are escaped; quotes and backslashes too",
        arguments: [
            ("s1", #""s1""#),
            ("a\nb", #""a\nb""#),
            ("\r\t", #""\r\t""#),
            ("\u{1B}[31mred", #""\u{1B}[31mred""#),
            ("\u{0}\u{7F}\u{85}\u{9B}", #""\u{0}\u{7F}\u{85}\u{9B}""#),
            ("a\u{2028}b\u{2029}", #""a\u{2028}b\u{2029}""#),
            ("\u{202E}evil\u{2066}", #""\u{202E}evil\u{2066}""#),
            ("say \"hi\" \\ bye", #""say \"hi\" \\ bye""#),
            ("é ü 日本", #""é ü 日本""#),
        ])
    func escapes(_ text: String, _ expected: String) {
        #expect(UntrustedText.quoted(text) == expected)
    }

    @Test("A value up to the limit is shown whole; a longer one is cut and gives its full length")
    func truncates() {
        let limit = UntrustedText.shownCharacterLimit
        let fits = String(repeating: "a", count: limit)
        #expect(UntrustedText.quoted(fits) == "\"\(fits)\"")
        let huge = String(repeating: "b", count: 10 * 1024 * 1024)
        let shown = UntrustedText.quoted(huge)
        #expect(shown == "\"\(String(repeating: "b", count: limit))\"... (10485760 characters)")
        // Escapes count towards the limit, so a value of control characters is cut as short.
        let escapes = UntrustedText.quoted(String(repeating: "\u{1B}", count: 1_000))
        #expect(escapes == "\"\(String(repeating: "\\u{1B}", count: limit / 6))\"... (1000 characters)")
        // One grapheme of many combining marks is cut too: lengths count Unicode scalars.
        let combining = UntrustedText.quoted("e" + String(repeating: "\u{301}", count: 100_000))
        #expect(combining.unicodeScalars.count <= 100)
        #expect(combining.hasSuffix("... (100001 characters)"))
    }

    @Test("A duplicate key holding a newline and escape codes is one short line")
    func duplicateKey() {
        let key = "k\n\u{1B}[2J" + String(repeating: "x", count: 100_000)
        let text = "{\"\(jsonEscaped(key))\": 1, \"\(jsonEscaped(key))\": 2}"
        #expect {
            try JSONValue.parse(text)
        } throws: { error in
            let message = (error as! JSONParseError).description
            return isOneSafeLine(message) && message.count < 200
                && message.contains(#"duplicate key "k\n\u{1B}[2Jxxx"#) && message.hasSuffix("(100006 characters)")
        }
    }

    @Test("An unknown key is named in the path when plain, quoted when not, and an empty one is called so")
    func unknownKeys() throws {
        func error(_ key: String) -> InputError? {
            do {
                var reader = try JSONObjectReader(document: "{\"\(jsonEscaped(key))\": 1}")
                _ = reader.optional("known")
                try reader.finish()
                return nil
            } catch {
                return error
            }
        }
        #expect(error("colour") == InputError(path: "colour", message: "unknown key"))
        #expect(error("") == InputError(path: "", message: "unknown key \"\" (an empty key name)"))
        #expect(error("a\nb") == InputError(path: "", message: #"unknown key "a\nb""#))
        let long = try #require(error(String(repeating: "k", count: 1_000_000)))
        #expect(long.path == "")
        #expect(long.description.hasSuffix("... (1000000 characters)"))
        #expect(long.description.count < 200)
    }

    @Test("A 10 MB value in a trace gives an error line of bounded length")
    func hugeValueInTrace() {
        let huge = String(repeating: "z", count: 10 * 1024 * 1024)
        for text in [
            "{\"format\": \"\(huge)\"}",
            TraceValidationTests.trace.replacingOccurrences(of: #""s2""#, with: "\"\(huge)\""),
            TraceValidationTests.trace.replacingOccurrences(of: #""x=1""#, with: "\"\(huge)\""),
            TraceValidationTests.trace.replacingOccurrences(of: #""heal""#, with: "\"\(huge)\""),
        ] {
            #expect {
                try Trace.decode(text)
            } throws: { error in
                let description = (error as! InputError).description
                return isOneSafeLine(description) && description.count < 200
                    && description.contains("(10485760 characters)")
            }
        }
    }
}

/// `text` as the inside of a JSON string literal.
func jsonEscaped(_ text: String) -> String {
    let encoded = JSONValue.string(text).encoded(pretty: false)
    return String(encoded.dropFirst().dropLast())
}
