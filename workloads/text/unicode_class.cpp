#include "stratbench/workloads/text/unicode_class.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

namespace sb::text {
namespace {

struct Range {
  char32_t first, last;
  std::uint8_t cls;
};

constexpr Range kRanges[] = {
#include "unicode_ranges.inc"
};

// A two-stage table built once from the ranges: 4352 blocks of 256 code points, with
// identical blocks shared. Lookups are two loads; the shared blocks keep it near 70 KB.
class ClassTable {
 public:
  ClassTable() {
    std::vector<std::uint8_t> flat(0x110000, 0);
    for (const auto& r : kRanges)
      for (char32_t c = r.first; c <= r.last; ++c) flat[c] = r.cls;
    std::map<std::string, std::uint16_t> seen;
    for (std::size_t b = 0; b < kBlocks; ++b) {
      const std::uint8_t* blk = &flat[b * 256];
      auto [it, fresh] =
          seen.emplace(std::string(reinterpret_cast<const char*>(blk), 256), static_cast<std::uint16_t>(seen.size()));
      if (fresh) blocks_.insert(blocks_.end(), blk, blk + 256);
      index_[b] = it->second;
    }
  }
  CharClass get(char32_t cp) const {
    if (cp >= 0x110000) return CharClass::other;
    return static_cast<CharClass>(blocks_[index_[cp >> 8] * 256u + (cp & 0xFF)]);
  }

 private:
  static constexpr std::size_t kBlocks = 0x110000 / 256;
  std::array<std::uint16_t, kBlocks> index_{};
  std::vector<std::uint8_t> blocks_;
};

const ClassTable& table() {
  static const ClassTable t;
  return t;
}

}  // namespace

CharClass char_class(char32_t cp) { return table().get(cp); }

char32_t to_lower(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  struct Pair {
    char32_t from, to;
  };
  static constexpr Pair kLower[] = {
#include "unicode_lower.inc"
  };
  const Pair* it =
      std::lower_bound(std::begin(kLower), std::end(kLower), cp, [](const Pair& p, char32_t c) { return p.from < c; });
  return it != std::end(kLower) && it->from == cp ? it->to : cp;
}

bool is_valid_utf8(const char* data, std::size_t size) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  const auto* end = p + size;
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    char32_t cp;
    const int n = decode_utf8(p, end, cp);
    if (cp == kInvalid) return false;
    p += n;
  }
  return true;
}

}  // namespace sb::text
