#include "scenario/toml_guard.hpp"

#include "marketsim/error.hpp"
#include "scenario/reading.hpp"

namespace marketsim::detail {
namespace {

/** The length of the well-formed UTF-8 sequence of two or more bytes at text[i], else 0 (an
 *  ASCII byte, or bytes that are not UTF-8). */
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t n = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
    if (n == 0 || i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
    return n;
}

/** Refuses non-ASCII characters where TOML allows only whitespace or ASCII syntax (outside
 *  strings and comments, and right after a multi-line string's line-ending backslash), before
 *  toml++ sees them. Such text is invalid TOML anyway; the check exists because toml++ 3.3 (the
 *  version Debian ships) reaches __builtin_unreachable() when it asks whether some of these
 *  characters are whitespace (its issues 190 and 295, fixed upstream after 3.4), which is
 *  undefined behaviour. Columns count characters, as toml++'s do. */
void check_non_ascii(std::string_view text, const std::string& file, const std::string& command_line) {
    enum class State { normal, comment, basic, literal, multi_basic, multi_literal } state = State::normal;
    const auto refuse = [&](std::size_t at, const std::string& problem) {
        int line = 1, column = 1;
        for (std::size_t k = 0; k < at; ++k) {
            if (text[k] == '\n') line += 1, column = 1;
            else if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) column += 1;  // not a UTF-8 continuation
        }
        const Origin o = command_line.empty() ? Origin{file, line, column, ""} : Origin{"command line", 0, 0, command_line};
        throw InputError(o.str() + ": " + problem);
    };
    const auto starts = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
    const auto blank = [&](std::size_t i) { return text[i] == ' ' || text[i] == '\t' || text[i] == '\r'; };
    const std::string bad_escape = "a backslash before a non-ASCII character, which is no escape; write \\\\ for a "
                                   "backslash, or \\uXXXX for the character";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (state) {
            case State::normal:
                if (c == '#') state = State::comment;
                else if (starts(i, "\"\"\"")) state = State::multi_basic, i += 2;
                else if (c == '"') state = State::basic;
                else if (starts(i, "'''")) state = State::multi_literal, i += 2;
                else if (c == '\'') state = State::literal;
                else if (c >= 0x80 && utf8_length(text, i) == 0) refuse(i, "bytes that are not UTF-8 text (is it a scenario file?)");
                else if (c >= 0x80) refuse(i, "a non-ASCII character outside a string or comment (text needs quotes)");
                break;
            case State::comment:
                if (c == '\n') state = State::normal;
                break;
            case State::basic:
                if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {  // an escape
                    if (static_cast<unsigned char>(text[i + 1]) >= 0x80) refuse(i + 1, bad_escape);
                    ++i;
                } else if (c == '"' || c == '\n') {
                    state = State::normal;
                }
                break;
            case State::literal:
                if (c == '\'' || c == '\n') state = State::normal;
                break;
            case State::multi_basic:
                if (c == '\\') {
                    std::size_t j = i + 1;
                    while (j < text.size() && blank(j)) ++j;
                    if (j < text.size() && text[j] == '\n') {  // a line-ending backslash: whitespace is skipped
                        while (j < text.size() && (blank(j) || text[j] == '\n')) ++j;
                        if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80)
                            refuse(j, "a non-ASCII character right after a line-ending backslash in a multi-line string; "
                                      "write it as \\uXXXX or keep it on the backslash's line");
                        i = j - 1;
                    } else {
                        // an escape; toml++ tests what follows a backslash (and its blanks) for whitespace
                        if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80) refuse(j, bad_escape);
                        ++i;
                    }
                } else if (starts(i, "\"\"\"")) {
                    state = State::normal, i += 2;
                }
                break;
            case State::multi_literal:
                if (starts(i, "'''")) state = State::normal, i += 2;
                break;
        }
    }
}

/** `text` with every well-formed non-ASCII UTF-8 sequence replaced by one '?': the same lines
 *  and columns (toml++ counts characters), no character toml++ 3.3 could misjudge. */
std::string ascii_twin(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (const std::size_t n = utf8_length(text, i)) {
            out += '?';
            i += n;
        } else {
            out += text[i++];  // ASCII, or a byte toml++'s UTF-8 reader refuses by itself
        }
    }
    return out;
}

}  // namespace

/** TOML text parsed by toml++, after two guards against its 3.3 release's undefined behaviour on
 *  some non-ASCII characters (check_non_ascii): the common mistakes get their own message, and
 *  the text is first parsed with every non-ASCII character replaced by '?'. Only a document whose
 *  structure is valid that way, so that its non-ASCII text lies inside strings and comments where
 *  toml++ takes it as it is, reaches toml++ as written. */
toml::table parse_toml(std::string_view text, const std::string& file) {
    check_non_ascii(text, file, {});
    try {
        (void)toml::parse(ascii_twin(text), std::string_view(file));
        return toml::parse(text, std::string_view(file));
    } catch (const toml::parse_error& e) {
        throw InputError(at(file, e.source()).str() + ": " + std::string(e.description()));
    }
}


toml::table parse_value(std::string_view value, const Origin& o) {
    const std::string text(value);
    check_non_ascii(text, "", o.text);
    toml::table parsed;
    try {
        (void)toml::parse("v = " + ascii_twin(text), std::string_view("command line"));  // see parse_toml
        parsed = toml::parse("v = " + text, std::string_view("command line"));
    } catch (const toml::parse_error& e) {
        fail(o, "cannot read '" + text + "' as a TOML value (" + std::string(e.description()) +
                    "); text needs quotes, e.g. --set 'scenario.unit=\"USD bn\"'");
    }
    if (parsed.size() != 1 || !parsed.contains("v")) fail(o, "cannot read '" + text + "' as one TOML value");
    return parsed;
}

}  // namespace marketsim::detail
