/// A command line that cannot be run: unknown command or flag, missing or malformed value.
struct UsageError: Error, Equatable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// An option a command accepts, with its help text.
struct OptionSpec: Sendable {
    /// The flag, with its dashes: `--seed`.
    var flag: String
    /// The value's placeholder (`S`, `FILE`), or nil for a boolean flag.
    var valueName: String?
    var help: String
}

/// What one subcommand accepts, and how it explains itself.
struct CommandSpec: Sendable {
    var name: String
    var summary: String
    /// The usage line after `raftlab`, such as `replay FILE [--quiet]`.
    var usage: String
    var positionals: ClosedRange<Int>
    var options: [OptionSpec]
    /// Paragraphs after the option list: examples, exit codes.
    var discussion: String

    var help: String {
        var lines = ["USAGE: raftlab \(usage)", "", summary]
        if !options.isEmpty {
            lines.append("")
            lines.append("OPTIONS:")
            for option in options {
                let left = option.valueName.map { "\(option.flag) \($0)" } ?? option.flag
                lines.append("  " + left.padding(toLength: 22) + " " + option.help)
            }
            lines.append("  " + "--help".padding(toLength: 22) + " Show this help.")
        }
        if !discussion.isEmpty {
            lines.append("")
            lines.append(discussion)
        }
        return lines.joined(separator: "\n")
    }
}

/// A parsed command line: positionals and option values, in the order given.
struct ParsedArguments {
    var positionals: [String] = []
    /// Options with values, in command-line order; a repeated option keeps its last value.
    var values: [(flag: String, value: String)] = []
    var flags: [String] = []

    /// Parses `arguments` (after the subcommand) against `spec`.
    ///
    /// Accepts `--flag value` and `--flag=value`; `--` ends the options.
    init(_ arguments: [String], spec: CommandSpec) throws(UsageError) {
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard !optionsEnded, argument.hasPrefix("-"), argument != "-" else {
                positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            var flag = argument
            var inlineValue: String? = nil
            if let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard let option = spec.options.first(where: { $0.flag == flag }) else {
                throw UsageError(
                    message: "unknown option '\(flag)' for 'raftlab \(spec.name)' (see 'raftlab \(spec.name) --help')")
            }
            if option.valueName == nil {
                if inlineValue != nil { throw UsageError(message: "option '\(flag)' takes no value") }
                flags.append(flag)
            } else if let inlineValue {
                values.append((flag, inlineValue))
            } else {
                guard index < arguments.count else {
                    throw UsageError(message: "option '\(flag)' needs a value (\(option.valueName!))")
                }
                values.append((flag, arguments[index]))
                index += 1
            }
        }
        guard spec.positionals.contains(positionals.count) else {
            if positionals.count > spec.positionals.upperBound {
                throw UsageError(
                    message:
                        "unexpected argument '\(positionals[spec.positionals.upperBound])' for 'raftlab \(spec.name)'")
            }
            throw UsageError(message: "'raftlab \(spec.name)' needs more arguments: raftlab \(spec.usage)")
        }
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    func value(_ flag: String) -> String? { values.last(where: { $0.flag == flag })?.value }

    func integer(_ flag: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = value(flag) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            let bound =
                range.upperBound == Int.max
                ? "at least \(range.lowerBound)" : "in \(range.lowerBound)...\(range.upperBound)"
            throw UsageError(message: "option '\(flag)' expects an integer \(bound), got '\(text)'")
        }
        return number
    }

    /// A seed: a decimal or `0x` hexadecimal 64-bit number.
    func seed(_ flag: String) throws(UsageError) -> UInt64? {
        guard let text = value(flag) else { return nil }
        guard let seed = parseSeed(text) else {
            throw UsageError(message: "option '\(flag)' expects a 64-bit seed (decimal or 0x hex), got '\(text)'")
        }
        return seed
    }
}

/// Parses a seed given as decimal or `0x` hexadecimal.
func parseSeed(_ text: String) -> UInt64? {
    if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
    return UInt64(text)
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
