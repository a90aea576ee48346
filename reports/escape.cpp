// The escapers of escape.hpp; each says there what it neutralises and why.
#include "stratbench/reports/escape.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace sb {
namespace {

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), or 0 when the byte there does not start one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) { return b(k) >= lo && b(k) <= hi; };
  const unsigned c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

std::string hex_escape(const char* prefix, unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%02x", prefix, v);
  return buf;
}

// Walks `s` by UTF-8 character. Printable text (ASCII from space to '~', and valid
// multi-byte sequences other than the C1 controls) goes to `text`; everything else is
// appended here as a visible escape, after `control` had the chance to map it (it returns
// true when it wrote the character itself: the markdown and CSV rules for TAB, CR, LF).
template <class Text, class Control>
std::string visible(std::string_view s, Text text, Control control) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += hex_escape("\\x", c);  // not UTF-8: show the byte
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      if (!control(out, static_cast<char>(c))) out += hex_escape("\\x", c);
      ++i;
    } else if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      out += hex_escape("\\u00", static_cast<unsigned char>(s[i + 1]));  // C1 control, U+0080..U+009F
      i += 2;
    } else {
      text(out, s, i, n);
      i += n;
    }
  }
  return out;
}

void append_text(std::string& out, std::string_view s, std::size_t i, std::size_t n) { out.append(s.substr(i, n)); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

constexpr const char* kZeroWidthSpace = "&#8203;";

// One character of markdown_text (see escape.hpp for the why of each rule).
void markdown_char(std::string& out, std::string_view s, std::size_t i, std::size_t n) {
  if (n != 1) return append_text(out, s, i, n);
  const char c = s[i];
  const bool digit_next = i + 1 < s.size() && is_digit(s[i + 1]);
  switch (c) {
    case '<': out += "&lt;"; return;
    case '>': out += "&gt;"; return;
    case '&': out += "&amp;"; return;
    case '@':
      out += '@';
      out += kZeroWidthSpace;
      return;
    case '#':
      out += "\\#";
      if (digit_next) out += kZeroWidthSpace;
      return;
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '|':
    case '~':
    case '$':
      out += '\\';
      out += c;
      return;
    case ':':
      out += ':';
      if (s.substr(i + 1, 2) == "//") out += kZeroWidthSpace;
      return;
    case '.':
      if (i >= 3 && iequal(s.substr(i - 3, 3), "www")) out += kZeroWidthSpace;
      out += '.';
      return;
    case '-':
      out += '-';
      if (digit_next && i >= 2 && iequal(s.substr(i - 2, 2), "gh")) out += kZeroWidthSpace;
      return;
    default: out += c;
  }
}

// Line breaks and tabs become spaces: one table cell, one list item.
bool whitespace_as_space(std::string& out, char c) {
  if (c != '\n' && c != '\r' && c != '\t') return false;
  out += ' ';
  return true;
}

}  // namespace

std::string markdown_text(std::string_view s) { return visible(s, markdown_char, whitespace_as_space); }

std::string markdown_code_span(std::string_view s) {
  const std::string body = visible(s, append_text, whitespace_as_space);
  if (body.empty()) return "";
  std::size_t longest = 0, run = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  // CommonMark strips one space from each end when both ends have one (and the body is
  // not all spaces): the padding lets a body begin or end with a backtick or a space.
  const bool all_spaces = body.find_first_not_of(' ') == std::string::npos;
  const auto edge = [](char c) { return c == '`' || c == ' '; };
  const bool pad = !all_spaces && (edge(body.front()) || edge(body.back()));
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string csv_field(std::string_view s) {
  const std::string body = visible(s, append_text, [](std::string& out, char c) {
    if (c != '\t' && c != '\r' && c != '\n') return false;
    out += c;
    return true;
  });
  std::string field;
  if (!body.empty() && std::string_view("=+-@\t\r").find(body.front()) != std::string_view::npos) field += '\'';
  field += body;
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';  // RFC 4180: an inner quote is doubled
    out += c;
  }
  return out + '"';
}

std::string terminal_text(std::string_view s) {
  return visible(s, append_text, [](std::string& out, char c) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      return false;
    return true;
  });
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // C0 controls other than TAB/LF/CR, and DEL, are parse errors in HTML and would reach
        // a terminal raw when the report goes to stdout: shown as U+FFFD.
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
          out += "&#xFFFD;";
        else
          out += c;
    }
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even as references.
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += '?';
        else
          out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace sb
