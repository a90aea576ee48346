#include "stratbench/workloads/text/bpe_encoder.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/workloads/thread_pool.hpp"

namespace sb::text {

constexpr std::uint32_t kNone = RankTable::kNone;

Encoder::Encoder(const Encoding& enc, EncoderOptions opt) : enc_(enc), ranks_(enc.ranks()), opt_(opt) {
  if (opt_.cache) cache_.assign(std::size_t{1} << opt_.cache_slots_log2, CacheSlot{});
}

void Encoder::encode_ordinary(std::string_view text, std::vector<std::uint32_t>& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  const Pattern pat = enc_.pattern();
  while (p < end) {
    const unsigned char* q = next_piece(pat, p, end);
    encode_piece(p, static_cast<std::size_t>(q - p), out);
    p = q;
  }
}

void Encoder::encode_with_special(std::string_view text, std::vector<std::uint32_t>& out) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t best = std::string_view::npos;
    const std::pair<std::string, std::uint32_t>* which = nullptr;
    for (const auto& sp : enc_.specials()) {
      const std::size_t at = text.find(sp.first, pos);
      if (at < best) best = at, which = &sp;
    }
    encode_ordinary(text.substr(pos, best == std::string_view::npos ? std::string_view::npos : best - pos), out);
    if (!which) break;
    out.push_back(which->second);
    pos = best + which->first.size();
  }
}

void Encoder::encode_piece(const unsigned char* p, std::size_t n, std::vector<std::uint32_t>& out) {
  if (n == 1) {
    out.push_back(ranks_.byte_rank(p[0]));
    return;
  }
  const std::uint64_t h = RankTable::hash(p, n);
  if (const std::uint32_t r = ranks_.find(p, n, h); r != kNone) {  // one hash for both tables
    out.push_back(r);
    return;
  }
  CacheSlot* slot = nullptr;
  if (opt_.cache && n <= kCacheKeyMax) {
    slot = &cache_[h & (cache_.size() - 1)];
    if (slot->key_len == n && std::memcmp(slot->key, p, n) == 0) {
      ++hits_;
      out.insert(out.end(), slot->ids, slot->ids + slot->n_ids);
      return;
    }
    ++misses_;
  }
  const std::size_t first = out.size();
  // The pairs loop is quadratic: a piece of megabytes (one endless "word") would take
  // days, so long pieces take the heap whatever the strategy. The ids are the same; pieces
  // of ordinary text are far below the limit, so benchmarks of `pairs` are unaffected.
  if (opt_.merge == MergeAlgo::heap || n > kPairsMaxPiece)
    merge_heap(p, n, out);
  else
    merge_pairs(p, n, out);
  if (slot && out.size() - first <= kCacheIdsMax) {
    slot->key_len = static_cast<std::uint8_t>(n);
    slot->n_ids = static_cast<std::uint8_t>(out.size() - first);
    std::memcpy(slot->key, p, n);
    std::copy(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), slot->ids);
  }
}

void Encoder::merge_pairs(const unsigned char* p, std::size_t n, std::vector<std::uint32_t>& out) {
  auto& s = starts_;
  s.resize(n + 1);
  for (std::size_t i = 0; i <= n; ++i) s[i] = static_cast<std::uint32_t>(i);
  while (s.size() > 2) {
    std::uint32_t best = kNone;
    std::size_t at = 0;
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
      const std::uint32_t r = ranks_.find(p + s[i], s[i + 2] - s[i]);
      if (r < best) best = r, at = i;
    }
    if (best == kNone) break;
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  }
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    const std::uint32_t r = ranks_.find(p + s[i], s[i + 1] - s[i]);
    SB_CHECK(r != kNone);
    out.push_back(r);
  }
}

void Encoder::merge_heap(const unsigned char* p, std::size_t n, std::vector<std::uint32_t>& out) {
  auto& nodes = nodes_;
  auto& heap = heap_;
  nodes.resize(n);
  heap.clear();
  // The end of the part after node i, i.e. where the pair (i, next) ends.
  auto pair_end = [&](std::int32_t i) -> std::uint32_t {
    const std::int32_t nx = nodes[i].next;
    const std::int32_t nn = nodes[nx].next;
    return nn < 0 ? static_cast<std::uint32_t>(n) : nodes[nn].start;
  };
  auto greater = [](const HeapEntry& a, const HeapEntry& b) {
    return a.rank != b.rank ? a.rank > b.rank : a.start > b.start;
  };
  auto rerank = [&](std::int32_t i) {
    Node& nd = nodes[i];
    ++nd.version;
    nd.rank = nd.next < 0 ? kNone : ranks_.find(p + nd.start, pair_end(i) - nd.start);
    if (nd.rank != kNone) {
      heap.push_back({nd.rank, nd.start, static_cast<std::uint32_t>(i), nd.version});
      std::push_heap(heap.begin(), heap.end(), greater);
    }
  };
  for (std::size_t i = 0; i < n; ++i)
    nodes[i] = {static_cast<std::uint32_t>(i), static_cast<std::int32_t>(i) - 1,
                i + 1 < n ? static_cast<std::int32_t>(i) + 1 : -1, kNone, 0};
  for (std::size_t i = 0; i + 1 < n; ++i) rerank(static_cast<std::int32_t>(i));
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), greater);
    const HeapEntry e = heap.back();
    heap.pop_back();
    Node& nd = nodes[e.node];
    if (nd.version != e.version || nd.rank != e.rank) continue;  // stale: the pair changed
    const std::int32_t victim = nd.next;
    nd.next = nodes[victim].next;
    if (nd.next >= 0) nodes[nd.next].prev = static_cast<std::int32_t>(e.node);
    nodes[victim].version = ~0u;  // dead: its own entries go stale
    rerank(static_cast<std::int32_t>(e.node));
    if (nd.prev >= 0) rerank(nd.prev);
  }
  for (std::int32_t i = 0; i >= 0; i = nodes[i].next) {
    const std::uint32_t end = nodes[i].next < 0 ? static_cast<std::uint32_t>(n) : nodes[nodes[i].next].start;
    const std::uint32_t r = ranks_.find(p + nodes[i].start, end - nodes[i].start);
    SB_CHECK(r != kNone);
    out.push_back(r);
  }
}

void encode_parallel(const Encoding& enc, EncoderOptions opt, std::string_view text, int threads,
                     std::size_t chunk_bytes, std::vector<Encoder>& encoders,
                     std::vector<std::vector<std::uint32_t>>& chunk_ids, std::vector<std::uint32_t>& out) {
  while (static_cast<int>(encoders.size()) < threads) encoders.emplace_back(enc, opt);
  if (threads <= 1 || text.size() <= chunk_bytes) {
    SB_RANGE(prof::Category::tokenizer, "encode (pre-tokenize + merge)");
    out.clear();
    encoders[0].encode_ordinary(text, out);
    return;
  }
  // Cut points first (a cheap scan), then the chunks go to whichever worker is free.
  std::vector<std::size_t> cuts{0};
  {
    SB_RANGE(prof::Category::tokenizer, "cut chunks");
    while (cuts.back() < text.size()) {
      const std::size_t from = cuts.back() + chunk_bytes;
      cuts.push_back(from >= text.size() ? text.size() : find_safe_split(text.data(), text.size(), from, text.size()));
    }
  }
  const std::size_t chunks = cuts.size() - 1;
  if (chunk_ids.size() < chunks) chunk_ids.resize(chunks);
  std::atomic<std::size_t> next{0};
  shared_thread_pool(threads).run(threads, [&](int t) {
    Encoder& e = encoders[static_cast<std::size_t>(t)];
    for (std::size_t c; (c = next.fetch_add(1)) < chunks;) {
      // Appending straight into chunk_ids[c] would update its end pointer per token while
      // the other thread updates chunk_ids[c + 1]'s, 24 bytes away: a shared cache line
      // bounced between the cores on every token (measured: each thread 20% slower). The
      // swap hands the filled buffer over and takes back an old one of similar capacity.
      SB_RANGE_INDEXED(prof::Category::tokenizer, "encode chunk (pre-tokenize + merge)", static_cast<std::int64_t>(c));
      e.chunk_out.clear();
      e.encode_ordinary(text.substr(cuts[c], cuts[c + 1] - cuts[c]), e.chunk_out);
      chunk_ids[c].swap(e.chunk_out);
    }
  });
  // The chunks' ids are copied into place in parallel too: at 60 MB of text that is 80 MB
  // of ids, whose serial copy alone would cap the speedup of two threads near 1.95.
  SB_RANGE(prof::Category::tokenizer, "gather ids (merge of thread results)");
  std::vector<std::size_t> at(chunks + 1, 0);
  for (std::size_t c = 0; c < chunks; ++c) at[c + 1] = at[c] + chunk_ids[c].size();
  out.resize(at[chunks]);  // no clear() first: same-sized reruns then write no zeros
  next = 0;
  shared_thread_pool(threads).run(threads, [&](int) {
    for (std::size_t c; (c = next.fetch_add(1)) < chunks;)
      std::copy(chunk_ids[c].begin(), chunk_ids[c].end(), out.begin() + static_cast<std::ptrdiff_t>(at[c]));
  });
}

std::uint64_t ids_fnv1a64(const std::vector<std::uint32_t>& ids) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint32_t id : ids)
    for (int b = 0; b < 4; ++b) {
      h ^= (id >> (8 * b)) & 0xFF;
      h *= 0x100000001b3ull;
    }
  return h;
}

}  // namespace sb::text
