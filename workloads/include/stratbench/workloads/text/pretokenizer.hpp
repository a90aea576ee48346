// Pre-tokenization: the split of text into pieces that BPE then encodes one at a time.
// Hand-written matchers that give exactly the pieces of the encodings' regular expressions
// under leftmost-first alternation (as tiktoken's fancy-regex does):
//
//   gpt2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   cl100k: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//           ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// Every position of any text starts a match of one alternative, so the pieces tile the
// text. Invalid UTF-8 bytes count as single `other` characters (see unicode_class.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "stratbench/workloads/text/unicode_class.hpp"

namespace sb::text {

enum class Pattern { gpt2, cl100k };

namespace detail {

constexpr std::array<CharClass, 128> make_ascii_classes() {
  std::array<CharClass, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      t[c] = CharClass::letter;
    else if (c >= '0' && c <= '9')
      t[c] = CharClass::number;
    else if ((c >= 0x09 && c <= 0x0D) || c == ' ')
      t[c] = CharClass::space;
    else
      t[c] = CharClass::other;
  }
  return t;
}
inline constexpr std::array<CharClass, 128> kAscii = make_ascii_classes();

// The class of the character at p and its length in bytes.
inline CharClass class_at(const unsigned char* p, const unsigned char* end, int& len) {
  if (*p < 0x80) {
    len = 1;
    return kAscii[*p];
  }
  char32_t cp;
  len = decode_utf8(p, end, cp);
  return cp == kInvalid ? CharClass::other : char_class(cp);
}

inline CharClass class_at(const unsigned char* p, const unsigned char* end) {
  int len;
  return class_at(p, end, len);
}

// The end of the run of characters of class `c` that starts at p.
inline const unsigned char* run_of(const unsigned char* p, const unsigned char* end, CharClass c) {
  while (p < end) {
    if (*p < 0x80) {
      if (kAscii[*p] != c) break;
      ++p;
      continue;
    }
    int len;
    if (class_at(p, end, len) != c) break;
    p += len;
  }
  return p;
}

// The whitespace run at p: returns its end and sets `last` to the start of its last
// character. With `last_newline`, also the end of the last \r or \n inside the run
// (nullptr when there is none).
inline const unsigned char* space_run(const unsigned char* p, const unsigned char* end, const unsigned char*& last,
                                      const unsigned char** last_newline = nullptr) {
  last = p;
  if (last_newline) *last_newline = nullptr;
  while (p < end) {
    int len;
    if (class_at(p, end, len) != CharClass::space) break;
    if (last_newline && (*p == '\r' || *p == '\n')) *last_newline = p + 1;
    last = p;
    p += len;
  }
  return p;
}

// \s+(?!\S)|\s+ at p (p starts a whitespace character).
inline const unsigned char* trailing_space(const unsigned char* p, const unsigned char* end,
                                           const unsigned char* run_end, const unsigned char* last) {
  if (run_end == end) return run_end;  // the lookahead holds at the end of the text
  if (last > p) return last;           // give back the last character so that (?!\S) holds
  return run_end;                      // one character followed by non-space: \s+
}

// 's|'t|'re|'ve|'m|'ll|'d after the apostrophe at p; with `fold`, ASCII case folding and
// U+017F (long s, which simple case folding maps to s) as (?i) does in Unicode mode.
inline const unsigned char* contraction(const unsigned char* p, const unsigned char* end, bool fold) {
  if (end - p < 2) return nullptr;
  auto lower = [&](unsigned char c) -> unsigned char { return fold && c >= 'A' && c <= 'Z' ? c + 32 : c; };
  const unsigned char a = lower(p[1]);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return p + 2;
  if (fold && p[1] == 0xC5 && end - p >= 3 && p[2] == 0xBF) return p + 3;  // 'ſ
  if (end - p < 3) return nullptr;
  const unsigned char b = lower(p[2]);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return p + 3;
  return nullptr;
}

inline const unsigned char* gpt2_piece(const unsigned char* p, const unsigned char* end) {
  if (*p == '\'')
    if (const unsigned char* q = contraction(p, end, false)) return q;
  const unsigned char* q = p;
  int len;
  CharClass c = class_at(q, end, len);
  if (c == CharClass::space && *q == ' ' && q + 1 < end) {
    // " ?" takes the space when a letter, number or other run follows it.
    const CharClass next = class_at(q + 1, end);
    if (next != CharClass::space) {
      ++q;
      c = next;
    }
  }
  if (c != CharClass::space) return run_of(q, end, c);
  const unsigned char* last;
  const unsigned char* run_end = space_run(p, end, last);
  return trailing_space(p, end, run_end, last);
}

inline const unsigned char* cl100k_piece(const unsigned char* p, const unsigned char* end) {
  if (*p == '\'')
    if (const unsigned char* q = contraction(p, end, true)) return q;
  int len;
  const CharClass c = class_at(p, end, len);
  // [^\r\n\p{L}\p{N}]?\p{L}+
  if (c == CharClass::letter) return run_of(p + len, end, CharClass::letter);
  if (c != CharClass::number && *p != '\r' && *p != '\n' && p + len < end &&
      class_at(p + len, end) == CharClass::letter)
    return run_of(p + len, end, CharClass::letter);
  // \p{N}{1,3}
  if (c == CharClass::number) {
    const unsigned char* q = p + len;
    for (int n = 1; n < 3 && q < end; ++n) {
      int l2;
      if (class_at(q, end, l2) != CharClass::number) break;
      q += l2;
    }
    return q;
  }
  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
  const unsigned char* q = p;
  CharClass oc = c;
  if (*p == ' ' && p + 1 < end) {
    oc = class_at(p + 1, end);
    q = p + 1;
  }
  if (oc == CharClass::other) {
    q = run_of(q, end, CharClass::other);
    while (q < end && (*q == '\r' || *q == '\n')) ++q;
    return q;
  }
  // \s*[\r\n]+ | \s+(?!\S) | \s+   (c is space here)
  const unsigned char* last;
  const unsigned char* last_newline;
  const unsigned char* run_end = space_run(p, end, last, &last_newline);
  if (last_newline) return last_newline;
  return trailing_space(p, end, run_end, last);
}

}  // namespace detail

// The end of the piece that starts at p (p < end).
inline const unsigned char* next_piece(Pattern pat, const unsigned char* p, const unsigned char* end) {
  return pat == Pattern::gpt2 ? detail::gpt2_piece(p, end) : detail::cl100k_piece(p, end);
}

// A position in [from, limit) where both patterns start a piece whatever text precedes
// it, so that text split there encodes to the same ids as the whole: a space between two
// ASCII letters. (The letter before the space ends every alternative that can contain
// it, and no alternative looks behind.) Returns `limit` when there is none.
std::size_t find_safe_split(const char* text, std::size_t size, std::size_t from, std::size_t limit);

}  // namespace sb::text
