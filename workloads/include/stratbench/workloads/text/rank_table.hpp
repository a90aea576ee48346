// The merge ranks of a byte-level BPE encoding: token bytes -> rank (the rank is also the
// token id). Loaded from OpenAI's .tiktoken text format, one `<base64> <rank>` per line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "stratbench/workloads/text/byte_hash.hpp"

namespace sb::text {

class RankTable {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // Reads and validates a .tiktoken file: base64 syntax, ranks 0..N-1 each exactly once,
  // no duplicate tokens, all 256 single bytes present, and N == expected_ranks when that
  // is not 0. Throws InputError naming the file and line.
  static RankTable load(const std::string& path, std::size_t expected_ranks = 0);
  static RankTable parse(std::string_view content, const std::string& name, std::size_t expected_ranks = 0);
  // The table of token bytes given in rank order (tokens[r] has rank r): a trained or
  // GGUF-borne vocabulary. The same checks as parse (no repeated bytes, all 256 single
  // bytes); InputError "<name>: the token of rank R repeats the bytes of rank Q".
  static RankTable from_tokens(const std::vector<std::string>& tokens, const std::string& name);

  // The rank of these bytes, or kNone.
  std::uint32_t find(const unsigned char* p, std::size_t n) const { return find(p, n, hash(p, n)); }
  // The same, with hash(p, n) already computed by the caller.
  std::uint32_t find(const unsigned char* p, std::size_t n, std::uint64_t h) const {
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.rank == kNone) return kNone;
      if (s.tag == tag && offsets_[s.rank + 1] - offsets_[s.rank] == n &&
          std::memcmp(arena_.data() + offsets_[s.rank], p, n) == 0)
        return s.rank;
    }
  }
  std::uint32_t byte_rank(unsigned char b) const { return byte_rank_[b]; }
  std::string_view bytes(std::uint32_t rank) const {
    return {arena_.data() + offsets_[rank], offsets_[rank + 1] - offsets_[rank]};
  }
  std::size_t size() const { return offsets_.size() - 1; }
  std::size_t max_token_bytes() const { return max_len_; }

  static std::uint64_t hash(const unsigned char* p, std::size_t n) { return byte_hash(p, n); }

 private:
  // `where(r)` names the source of rank r in messages ("file:line" or "name").
  template <class Where>
  static RankTable build(const std::vector<std::string>& tokens, const std::string& name, Where where);
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t rank = kNone;
  };
  std::string arena_;                      // token bytes, back to back in rank order
  std::vector<std::uint32_t> offsets_{0};  // token r is arena_[offsets_[r], offsets_[r+1])
  std::vector<Slot> slots_;                // open addressing, linear probing
  std::size_t mask_ = 0;
  std::size_t max_len_ = 0;
  std::uint32_t byte_rank_[256] = {};
};

}  // namespace sb::text
