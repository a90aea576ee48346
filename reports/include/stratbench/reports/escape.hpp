// One escaper per output kind. A results file is untrusted input: every string read from
// one (workload, strategy, params, device, reason, run id, host, command, commit, labels)
// passes through the escaper of the output it lands in, and only there, so the record
// keeps the exact text and each format neutralises what is live in it. Numbers and words
// that the writers produce themselves are written as they are.
#pragma once

#include <string>
#include <string_view>

namespace sb {

// Markdown inline text: a table cell, a list item, a heading's text. What is neutralised:
// - links, images and footnotes: '[' and ']' are backslash-escaped, so `[click](https://x)`
//   and `![img](...)` render as the text they are;
// - raw HTML and <autolinks>: '<' '>' '&' become entities (a hostile "&lt;" shows as typed);
// - emphasis, strikethrough, code spans, math: '*' '_' '~' '`' '$' and '\' are escaped;
// - tables: '|' is escaped and line breaks (LF, CR, TAB) become spaces, so a cell stays one;
// - GitHub's automatic links: a zero-width space (written "&#8203;") goes after every '@'
//   (@mentions, team mentions, e-mail autolinks), between '#' and a digit (#123), after
//   "GH-" before a digit, and inside "://" and "www." (bare URLs). Backslash escapes and an
//   entity for '@' itself do not help there: GitHub links mentions and references in the
//   rendered HTML's text, after escapes and entities are decoded (html-pipeline's
//   MentionFilter walks text nodes; cmark-gfm's e-mail autolinker runs on text nodes). A
//   character between '@' and the name is what Dependabot's LinkAndMentionSanitizer and
//   Renovate's sanitizeMarkdown insert for the same reason: the page shows "@octocat"
//   unchanged, and nobody is notified;
// - control characters, DEL, C1 controls and invalid UTF-8 are shown as escapes ("\x1b"),
//   as in terminal_text, because `gate` also prints its Markdown to the terminal.
// Block syntax (#, -, >, 1.) needs a line start; the writers never start a line with an
// untrusted string, so it is left alone.
std::string markdown_text(std::string_view s);

// A Markdown code span around `s`, for a command line outside a table: the fence is one
// backtick longer than the longest run inside, and a space pads a leading or trailing
// backtick, so no content can close the span early. Inside a code span nothing is live (no
// HTML, links, emphasis, mentions or references); line breaks become spaces and controls
// are shown as escapes. Not for table cells: GFM splits cells on '|' even inside code spans.
std::string markdown_code_span(std::string_view s);

// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; inner quotes
// doubled. Formula injection (OWASP, "CSV Injection"): a field starting with = + - @ TAB
// or CR gets a leading apostrophe, so a spreadsheet shows `=HYPERLINK(...)` as text instead
// of evaluating it. Only for untrusted strings: numbers the writer formats itself (a
// negative value, "-2") must go out as they are to stay numbers. Controls other than TAB,
// CR and LF are shown as escapes, as in terminal_text: `report --format csv` prints to the
// terminal by default.
std::string csv_field(std::string_view s);

// Text for the terminal (the `table` format, `compare`, `gate`, `history`): C0 controls
// (ESC, BEL, CR, backspace, ...), DEL, the C1 controls U+0080..U+009F (some terminals obey
// them, CSI as 0xC2 0x9B included) and bytes that are not valid UTF-8 become visible
// escapes: "\x1b", "\u009b", "\xff"; newline, CR and TAB as "\n", "\r", "\t", so a
// table cell stays on one line. Valid UTF-8 text ("—", "×", CJK) is kept as it is.
std::string terminal_text(std::string_view s);

// HTML text and attribute values (double- or single-quoted): & < > " ' become entities;
// C0 controls but TAB, LF and CR, and DEL, become U+FFFD (never raw ESC on a terminal).
std::string html_escape(std::string_view s);

// XML 1.0 text and attribute values: & < > " ' become entities; the C0 controls that XML
// 1.0 forbids even as character references (all but TAB, LF, CR) become '?'.
std::string xml_escape(std::string_view s);

}  // namespace sb
