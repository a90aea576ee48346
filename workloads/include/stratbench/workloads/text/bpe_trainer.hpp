// Training a byte-level BPE vocabulary the way GPT-2's was made, small enough for a model
// that this project trains itself, and exact enough that three encoders agree on its ids:
// this project's (text/bpe_encoder.hpp, tiktoken's rank rule), tiktoken itself, and
// llama.cpp's merges-based BPE (llm/bpe_vocab.hpp writes the vocabulary into GGUF).
//
// The vocabulary: ranks 0..255 are the single bytes in byte order; merge i adds rank
// 256 + i, the bytes of its two ranks joined; <|endoftext|> is the id after the last rank
// (vocab_size - 1), a special token that training never sees as text.
//
// Training: the text is cut at <|endoftext|> and pre-tokenized with GPT-2's pattern
// (Pattern::gpt2), so that no merge crosses a piece boundary; distinct pieces are counted;
// then, vocab_size - 257 times, the most frequent adjacent pair over all pieces (weighted
// by their counts) becomes the next rank and is merged in every piece. Pair counts are
// updated incrementally (only the pieces that hold the pair are touched) and the best pair
// comes from a max-heap whose stale entries are refreshed when popped. Ties go to the
// smallest (left rank, right rank), so that the result depends on the text alone.
//
// Why the three encoders agree. llama.cpp merges the adjacent pair whose merge has the
// lowest index; tiktoken merges the adjacent pair whose joined bytes have the lowest rank.
// They differ only when two adjacent parts A, B join into a token T whose merge is not
// (A, B). Suppose for every multi-byte token T that tiktoken's BPE of T's bytes, with
// ranks below T only, ends in exactly its merge pair [L, R] ("the merge property"). Then
// both encoders take the same steps on any piece, by induction: if they agree so far and
// tiktoken's next step joins A, B into T, every merge so far inside A and B had a rank
// below T, so the same steps run on T's bytes alone end in [A, B] = [L, R]: llama.cpp
// makes that same merge. The trainer keeps the property by construction: a pair that
// would break it (its bytes already a token, or tiktoken's BPE splits them differently)
// is never merged, and is counted in `rejected_pairs`. derive_merges checks it for any
// rank table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stratbench/workloads/text/encoding.hpp"
#include "stratbench/workloads/text/rank_table.hpp"

namespace sb::text {

struct BpeMerge {
  std::uint32_t left = 0, right = 0;  // the ranks joined, in order
  bool operator==(const BpeMerge&) const = default;
};

struct TrainedBpe {
  std::vector<std::string> tokens;    // the bytes of rank r; r < 256: the byte r
  std::vector<BpeMerge> merges;       // merges[i] made rank 256 + i
  std::vector<std::uint64_t> counts;  // occurrences of merges[i]'s pair when it was chosen
  std::uint64_t bytes = 0;            // bytes of text trained on (<|endoftext|> excluded)
  std::uint64_t pieces = 0;           // pre-tokenized pieces counted
  std::uint64_t distinct_pieces = 0;
  std::uint64_t rejected_pairs = 0;  // most frequent pairs skipped to keep the merge property

  std::size_t vocab_size() const { return tokens.size() + 1; }  // with <|endoftext|>
  std::uint32_t end_of_text() const { return static_cast<std::uint32_t>(tokens.size()); }
  RankTable ranks() const { return RankTable::from_tokens(tokens, "trained vocabulary"); }
  Encoding encoding(const std::string& name) const { return Encoding::trained(name, ranks()); }
};

// Trains a vocabulary of vocab_size ids (vocab_size - 1 ranks and <|endoftext|>) on text.
// InputError when vocab_size is outside 257..2^24, or when the text runs out of pairs to
// merge first ("the text yields only N merges"): a model's vocabulary size is fixed, so a
// smaller vocabulary would be a silent mismatch.
TrainedBpe train_bpe(std::string_view text, std::size_t vocab_size);

// tiktoken's BPE of one pre-tokenized piece without its whole-piece lookup: start from the
// single bytes, join the adjacent pair whose joined bytes have the lowest rank below
// `limit` (leftmost on ties) until none has one. The ranks of the parts.
std::vector<std::uint32_t> bpe_parts(const RankTable& ranks, std::string_view piece,
                                     std::uint32_t limit = RankTable::kNone);

// The merge of each multi-byte rank, in rank order: bpe_parts of its bytes below its own
// rank, which must be exactly two parts (the merge property above). InputError naming
// `name` and the first rank without one: such a vocabulary has no merges list on which
// llama.cpp would agree with tiktoken. For a trained vocabulary this gives back `merges`.
std::vector<BpeMerge> derive_merges(const RankTable& ranks, const std::string& name);

// The .tiktoken text of ranks given as token bytes: "<base64> <rank>\n" per rank, as
// RankTable::parse reads it.
std::string to_tiktoken(const std::vector<std::string>& tokens);
// Written atomically (temp file + rename); InputError naming the path when it cannot be.
void write_tiktoken(const std::string& path, const std::vector<std::string>& tokens);

}  // namespace sb::text
