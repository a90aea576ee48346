#include "stratbench/workloads/text/bpe_trainer.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <unordered_map>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/workloads/text/byte_hash.hpp"
#include "stratbench/workloads/text/pretokenizer.hpp"

namespace sb::text {
namespace {

constexpr std::uint32_t kNone = RankTable::kNone;

// tiktoken's rule over any lookup rank_of(bytes) -> rank or kNone: the trainer's growing
// map and a finished RankTable both use it. A min-heap of (rank, start) over a linked list
// of parts, stale entries skipped when popped (as the encoder's merge=heap): a GGUF file's
// tokens are untrusted, and rescanning every pair per merge would make one long token of
// many merges cost time quadratic in its length.
template <class RankOf>
std::vector<std::uint32_t> parts_with(std::string_view piece, std::uint32_t limit, const RankOf& rank_of) {
  const std::size_t n = piece.size();
  std::vector<std::size_t> next(n), prev(n);  // part starting at i: [i, next[i]); n ends
  std::vector<std::uint32_t> version(n, 0);
  for (std::size_t i = 0; i < n; ++i) next[i] = i + 1, prev[i] = i - 1;  // prev[0] wraps: unused
  struct Entry {
    std::uint32_t rank;
    std::size_t start;
    std::uint32_t version;
    bool operator>(const Entry& o) const { return rank != o.rank ? rank > o.rank : start > o.start; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  auto push = [&](std::size_t i) {  // the pair of the part at i and the next one
    ++version[i];
    if (next[i] >= n) return;
    const std::uint32_t r = rank_of(piece.substr(i, next[next[i]] - i));
    if (r < limit) heap.push({r, i, version[i]});
  };
  for (std::size_t i = 0; i + 1 < n; ++i) push(i);
  while (!heap.empty()) {
    const Entry e = heap.top();
    heap.pop();
    if (e.version != version[e.start]) continue;  // the part or its neighbour changed
    const std::size_t gone = next[e.start];
    next[e.start] = next[gone];
    if (next[gone] < n) prev[next[gone]] = e.start;
    version[gone] = ~0u;
    push(e.start);
    if (e.start > 0) push(prev[e.start]);
  }
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < n; i = next[i]) out.push_back(rank_of(piece.substr(i, next[i] - i)));
  return out;
}

std::uint64_t pair_key(std::uint32_t l, std::uint32_t r) { return (std::uint64_t{l} << 32) | r; }

// Distinct pre-tokenized pieces with their counts. Views into the text, which outlives it.
struct PieceCounts {
  std::unordered_map<std::string_view, std::uint64_t, ByteHash> counts;
  std::uint64_t pieces = 0, bytes = 0;

  void add(std::string_view text) {
    // <|endoftext|> is an id of its own wherever the vocabulary is used: its text must not
    // shape the merges (it would become "<|", "endoftext", "|>" pieces).
    const std::string_view eot = Encoding::kEndOfText;
    for (std::size_t pos = 0;;) {
      const std::size_t at = text.find(eot, pos);
      add_segment(text.substr(pos, at == std::string_view::npos ? std::string_view::npos : at - pos));
      if (at == std::string_view::npos) break;
      pos = at + eot.size();
    }
  }
  void add_segment(std::string_view s) {
    bytes += s.size();
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
      const unsigned char* q = next_piece(Pattern::gpt2, p, end);
      ++counts[std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(q - p))];
      ++pieces;
      p = q;
    }
  }
};

// The training state: every distinct piece of two or more bytes as a sequence of ranks
// (shrinking in place as merges apply), and per adjacent pair its weighted count and the
// pieces that may hold it.
class Trainer {
 public:
  explicit Trainer(const PieceCounts& pc) {
    for (std::uint32_t b = 0; b < 256; ++b) add_token(std::string(1, static_cast<char>(b)));
    for (const auto& [piece, n] : pc.counts) {
      if (piece.size() < 2) continue;  // a single byte holds no pair
      const auto w = static_cast<std::uint32_t>(count_.size());
      offset_.push_back(symbols_.size());
      length_.push_back(static_cast<std::uint32_t>(piece.size()));
      count_.push_back(n);
      for (unsigned char c : piece) symbols_.push_back(c);
      for (std::size_t i = 0; i + 1 < piece.size(); ++i) {
        const std::uint32_t p =
            pair_index(static_cast<unsigned char>(piece[i]), static_cast<unsigned char>(piece[i + 1]));
        pairs_[p].count += n;
        note_word(p, w);
      }
    }
    stamp_.assign(count_.size(), kNone);
    for (std::uint32_t p = 0; p < pairs_.size(); ++p) heap_.push({pairs_[p].count, keys_[p]});
  }

  void run(std::size_t vocab_size, TrainedBpe& out) {
    while (tokens_.size() + 1 < vocab_size) {
      const Entry e = next_best();
      if (e.count == 0) break;
      const auto l = static_cast<std::uint32_t>(e.key >> 32), r = static_cast<std::uint32_t>(e.key);
      out.merges.push_back({l, r});
      out.counts.push_back(e.count);
      merge(l, r);
    }
    out.tokens = tokens_;
    out.rejected_pairs = rejected_;
  }

 private:
  struct Pair {
    std::uint64_t count = 0;
    std::vector<std::uint32_t> words;  // may repeat or be stale: checked when used
    bool closed = false;               // merged or rejected: never chosen again
  };
  struct Entry {
    std::uint64_t count;
    std::uint64_t key;
    // Max-heap order: the higher count first, then the smaller (left, right).
    bool operator<(const Entry& o) const { return count != o.count ? count < o.count : key > o.key; }
  };

  std::uint32_t pair_index(std::uint32_t l, std::uint32_t r) {
    const std::uint64_t k = pair_key(l, r);
    auto [it, fresh] = index_.try_emplace(k, static_cast<std::uint32_t>(pairs_.size()));
    if (fresh) {
      pairs_.emplace_back();
      keys_.push_back(k);
    }
    return it->second;
  }
  void note_word(std::uint32_t p, std::uint32_t w) {
    auto& ws = pairs_[p].words;
    if (ws.empty() || ws.back() != w) ws.push_back(w);
  }
  void add_token(std::string bytes) {
    rank_of_.emplace(bytes, static_cast<std::uint32_t>(tokens_.size()));
    tokens_.push_back(std::move(bytes));
  }

  // The most frequent open pair that keeps the merge property; count 0 when none is left.
  // Counts only fall after an entry is pushed (only pairs with the newest rank grow, and
  // they are pushed once their step is done), so an entry is an upper bound: one whose
  // count is current beats every other.
  Entry next_best() {
    while (!heap_.empty()) {
      const Entry e = heap_.top();
      heap_.pop();
      Pair& p = pairs_[index_.at(e.key)];
      if (p.closed) continue;
      if (e.count != p.count) {
        if (p.count > 0) heap_.push({p.count, e.key});
        continue;
      }
      if (!keeps_merge_property(static_cast<std::uint32_t>(e.key >> 32), static_cast<std::uint32_t>(e.key))) {
        p.closed = true;
        ++rejected_;
        continue;
      }
      return e;
    }
    return {0, 0};
  }

  bool keeps_merge_property(std::uint32_t l, std::uint32_t r) const {
    const std::string joined = tokens_[l] + tokens_[r];
    if (rank_of_.contains(joined)) return false;
    const auto parts = parts_with(joined, kNone, [&](std::string_view s) {
      auto it = rank_of_.find(s);
      return it == rank_of_.end() ? kNone : it->second;
    });
    return parts.size() == 2 && parts[0] == l && parts[1] == r;
  }

  // Joins (l, r) into the next rank in every piece that holds it, left to right as BPE
  // does. Pairs lose what touched positions held and gain what the new rank forms.
  void merge(std::uint32_t l, std::uint32_t r) {
    const auto fresh = static_cast<std::uint32_t>(tokens_.size());
    add_token(tokens_[l] + tokens_[r]);
    const std::uint32_t merged = index_.at(pair_key(l, r));
    pairs_[merged].closed = true;
    const std::vector<std::uint32_t> words = std::move(pairs_[merged].words);
    pairs_[merged].words = {};
    std::vector<std::uint32_t> grown;  // pairs with the new rank, pushed once complete
    for (std::uint32_t w : words) {
      if (stamp_[w] == fresh) continue;
      stamp_[w] = fresh;
      std::uint32_t* s = symbols_.data() + offset_[w];
      const std::uint32_t n = length_[w];
      const std::uint64_t c = count_[w];
      // 2: the left part of a join, 1: its right part. Left to right, so that "a a a"
      // joins its first two (a, a) as BPE's leftmost-first rule does.
      touched_.assign(n, 0);
      bool any = false;
      for (std::uint32_t i = 0; i + 1 < n; ++i)
        if (s[i] == l && s[i + 1] == r) touched_[i] = 2, touched_[i + 1] = 1, any = true, ++i;
      if (!any) continue;  // a stale entry: an earlier merge took the pair out of this piece
      for (std::uint32_t i = 0; i + 1 < n; ++i)
        if (touched_[i] || touched_[i + 1]) {
          Pair& gone = pairs_[index_.at(pair_key(s[i], s[i + 1]))];
          SB_CHECK(gone.count >= c);
          gone.count -= c;
        }
      std::uint32_t m = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        s[m++] = touched_[i] == 2 ? fresh : s[i];
        if (touched_[i] == 2) ++i;
      }
      length_[w] = m;
      for (std::uint32_t i = 0; i + 1 < m; ++i) {
        if (s[i] != fresh && s[i + 1] != fresh) continue;
        const std::uint32_t p = pair_index(s[i], s[i + 1]);
        if (pairs_[p].count == 0) grown.push_back(p);
        pairs_[p].count += c;
        note_word(p, w);
      }
    }
    for (std::uint32_t p : grown) heap_.push({pairs_[p].count, keys_[p]});
  }

  std::vector<std::string> tokens_;
  std::unordered_map<std::string, std::uint32_t, ByteHash, std::equal_to<>> rank_of_;
  std::vector<std::uint32_t> symbols_;                      // every piece's ranks, back to back
  std::vector<std::size_t> offset_;                         // piece w starts at symbols_[offset_[w]]
  std::vector<std::uint32_t> length_;                       // and has length_[w] ranks
  std::vector<std::uint64_t> count_;                        // occurrences of piece w
  std::vector<std::uint32_t> stamp_;                        // the rank whose merge last visited piece w
  std::vector<std::uint8_t> touched_;                       // scratch: positions joined by the current merge
  std::unordered_map<std::uint64_t, std::uint32_t> index_;  // (left, right) -> pairs_ index
  std::vector<Pair> pairs_;
  std::vector<std::uint64_t> keys_;
  std::priority_queue<Entry> heap_;
  std::uint64_t rejected_ = 0;
};

}  // namespace

TrainedBpe train_bpe(std::string_view text, std::size_t vocab_size) {
  if (vocab_size < 257 || vocab_size > (std::size_t{1} << 24))
    throw InputError("vocabulary size " + std::to_string(vocab_size) + " is outside 257..16777216 (256 bytes, " +
                     "at least one merge, and <|endoftext|>)");
  PieceCounts pc;
  pc.add(text);
  TrainedBpe out;
  out.bytes = pc.bytes;
  out.pieces = pc.pieces;
  out.distinct_pieces = pc.counts.size();
  Trainer t(pc);
  t.run(vocab_size, out);
  if (out.vocab_size() < vocab_size)
    throw InputError("the text (" + std::to_string(out.bytes) + " bytes) yields only " +
                     std::to_string(out.merges.size()) + " merges, a vocabulary of at most " +
                     std::to_string(out.vocab_size()) + " tokens; " + std::to_string(vocab_size) +
                     " were asked for (train on more text)");
  return out;
}

std::vector<std::uint32_t> bpe_parts(const RankTable& ranks, std::string_view piece, std::uint32_t limit) {
  return parts_with(piece, limit, [&](std::string_view s) {
    return ranks.find(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  });
}

std::vector<BpeMerge> derive_merges(const RankTable& ranks, const std::string& name) {
  std::vector<BpeMerge> merges;
  for (std::uint32_t t = 0; t < ranks.size(); ++t) {
    const std::string_view bytes = ranks.bytes(t);
    if (bytes.size() < 2) continue;
    const auto parts = bpe_parts(ranks, bytes, t);
    if (parts.size() != 2)
      throw InputError(name + ": rank " + std::to_string(t) + " is not one merge of two lower ranks (BPE of its " +
                       std::to_string(bytes.size()) + " bytes with the ranks below it ends in " +
                       std::to_string(parts.size()) + " parts), so llama.cpp's merges could not reproduce its ids");
    merges.push_back({parts[0], parts[1]});
  }
  return merges;
}

std::string to_tiktoken(const std::vector<std::string>& tokens) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t r = 0; r < tokens.size(); ++r) {
    const auto* p = reinterpret_cast<const unsigned char*>(tokens[r].data());
    const std::size_t n = tokens[r].size();
    for (std::size_t i = 0; i < n; i += 3) {
      const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (i + 1 < n ? std::uint32_t{p[i + 1]} << 8 : 0) |
                              (i + 2 < n ? std::uint32_t{p[i + 2]} : 0);
      out += kB64[v >> 18];
      out += kB64[(v >> 12) & 63];
      out += i + 1 < n ? kB64[(v >> 6) & 63] : '=';
      out += i + 2 < n ? kB64[v & 63] : '=';
    }
    out += ' ';
    out += std::to_string(r);
    out += '\n';
  }
  return out;
}

void write_tiktoken(const std::string& path, const std::vector<std::string>& tokens) {
  write_text_file_atomic(path, to_tiktoken(tokens));
}

}  // namespace sb::text
