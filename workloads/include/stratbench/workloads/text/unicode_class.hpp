// The three Unicode classes the BPE pre-tokenizers' patterns test: \p{L}, \p{N} and \s
// (White_Space), plus a forgiving UTF-8 decoder. Tables: unicode_ranges.inc (Unicode 15.0).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sb::text {

enum class CharClass : std::uint8_t { other = 0, letter = 1, number = 2, space = 3 };

// The class of a code point; anything outside the tables (and kInvalid) is `other`.
CharClass char_class(char32_t cp);

// Stands for a byte that does not start a valid UTF-8 sequence.
inline constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point at p (p < end) and returns its length in bytes (1..4). An invalid
// or truncated sequence decodes as kInvalid with length 1, so every byte of any input
// belongs to exactly one "character": the pre-tokenizer then treats it as `other`, and
// byte-level BPE still encodes it, so decode(encode(x)) == x holds for arbitrary bytes.
inline int decode_utf8(const unsigned char* p, const unsigned char* end, char32_t& cp) {
  const unsigned c = p[0];
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  int n;
  char32_t v, min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    cp = kInvalid;
    return 1;
  }
  if (end - p < n) {
    cp = kInvalid;
    return 1;
  }
  for (int i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) {
      cp = kInvalid;
      return 1;
    }
    v = (v << 6) | (p[i] & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    cp = kInvalid;
    return 1;
  }
  cp = v;
  return n;
}

// The simple lowercase mapping of UnicodeData.txt (unicode_lower.inc); cp when none.
char32_t to_lower(char32_t cp);
// True for a letter whose lowercase differs from it (an uppercase or titlecase letter).
inline bool is_upper(char32_t cp) { return to_lower(cp) != cp; }
// Appends the UTF-8 of cp (a valid scalar value) to s.
template <class String>
void append_utf8(String& s, char32_t cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// True when the bytes are entirely valid UTF-8.
bool is_valid_utf8(const char* data, std::size_t size);

}  // namespace sb::text
