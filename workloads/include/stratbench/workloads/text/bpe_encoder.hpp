// Encoding text to token ids: pre-tokenize, then byte-pair merges per piece.
//
// Strategies (all give identical ids, tiktoken's):
// - merge=pairs: the straightforward loop: scan every adjacent pair, merge the one of
//   lowest rank (leftmost on ties), repeat. Quadratic in the piece length (pieces over
//   4 KiB go to the heap instead; see encode_piece).
// - merge=heap: a min-heap of (rank, position) over a linked list of parts; stale entries
//   are skipped when popped. O(n log n) per piece: what long pieces need.
// - cache: a bounded direct-mapped cache of recent pieces and their ids, so frequent
//   multi-token words skip merging altogether.
// Every strategy first looks the whole piece up among the ranks, as tiktoken does: a piece
// that is itself a token is that token (this is part of the encoding's definition).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "stratbench/workloads/text/encoding.hpp"

namespace sb {
class ThreadPool;
}

namespace sb::text {

enum class MergeAlgo { pairs, heap };

struct EncoderOptions {
  MergeAlgo merge = MergeAlgo::pairs;
  bool cache = false;
  int cache_slots_log2 = 14;  // 16384 slots of 64 bytes: 1 MiB, L2-sized
};

// Per-thread state: scratch buffers and the cache. Not thread-safe; cheap to create.
// Cache-line aligned: encoders sit side by side in a vector, one per thread, and their
// counters change on every piece.
class alignas(64) Encoder {
 public:
  Encoder(const Encoding& enc, EncoderOptions opt);

  // Appends the ids of text to out; special tokens are plain text (tiktoken's
  // encode_ordinary).
  void encode_ordinary(std::string_view text, std::vector<std::uint32_t>& out);
  // Appends the ids of text, recognizing the encoding's special tokens as their ids.
  void encode_with_special(std::string_view text, std::vector<std::uint32_t>& out);
  // Appends the ids of one piece as if pre-tokenization had made it (no split): checks of
  // a vocabulary itself, whose tokens' bytes need not pre-tokenize to one piece alone.
  void encode_single_piece(std::string_view piece, std::vector<std::uint32_t>& out) {
    if (!piece.empty()) encode_piece(reinterpret_cast<const unsigned char*>(piece.data()), piece.size(), out);
  }

  std::uint64_t cache_hits() const { return hits_; }
  std::uint64_t cache_misses() const { return misses_; }

 private:
  void encode_piece(const unsigned char* p, std::size_t n, std::vector<std::uint32_t>& out);
  void merge_pairs(const unsigned char* p, std::size_t n, std::vector<std::uint32_t>& out);
  void merge_heap(const unsigned char* p, std::size_t n, std::vector<std::uint32_t>& out);

  struct CacheSlot {
    std::uint8_t key_len = 0;  // 0: empty
    std::uint8_t n_ids = 0;
    char key[30];
    std::uint32_t ids[8];
  };
  static_assert(sizeof(CacheSlot) == 64);
  static constexpr std::size_t kPairsMaxPiece = 4096;
  static constexpr std::size_t kCacheKeyMax = sizeof(CacheSlot::key);
  static constexpr std::size_t kCacheIdsMax = sizeof(CacheSlot::ids) / sizeof(std::uint32_t);

  const Encoding& enc_;
  const RankTable& ranks_;
  EncoderOptions opt_;
  std::vector<CacheSlot> cache_;
  std::uint64_t hits_ = 0, misses_ = 0;
  // Scratch reused across pieces, so that steady-state encoding does not allocate.
  std::vector<std::uint32_t> starts_;
  struct Node {
    std::uint32_t start;
    std::int32_t prev, next;
    std::uint32_t rank;  // rank of this part merged with the next, or kNone
    std::uint32_t version;
  };
  struct HeapEntry {
    std::uint32_t rank, start, node, version;
  };
  std::vector<Node> nodes_;
  std::vector<HeapEntry> heap_;
  std::vector<std::uint32_t> tmp_ids_;

 public:
  // The ids of the chunk this encoder is working on (encode_parallel): its own vector, so
  // that two threads never append through vector headers that share a cache line.
  std::vector<std::uint32_t> chunk_out;
};

// Encodes with `threads` workers of the shared pool (threads == 1: the calling thread
// only). The text is cut at safe split points (find_safe_split) about every `chunk_bytes`,
// so the ids equal the one-thread result. `encoders` holds one Encoder per worker and is
// created on first use.
void encode_parallel(const Encoding& enc, EncoderOptions opt, std::string_view text, int threads,
                     std::size_t chunk_bytes, std::vector<Encoder>& encoders,
                     std::vector<std::vector<std::uint32_t>>& chunk_ids, std::vector<std::uint32_t>& out);

// FNV-1a 64 over the ids as 4-byte little-endian words: the checksum the reference script
// (scripts/tiktoken-reference.mjs) prints for tiktoken's ids.
std::uint64_t ids_fnv1a64(const std::vector<std::uint32_t>& ids);

}  // namespace sb::text
