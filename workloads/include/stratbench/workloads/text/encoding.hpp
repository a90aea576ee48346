// A byte-level BPE encoding: its ranks, its pre-tokenization pattern and its special
// tokens. Immutable once loaded, shared by every thread that encodes with it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "stratbench/workloads/text/pretokenizer.hpp"
#include "stratbench/workloads/text/rank_table.hpp"

namespace sb::text {

class Encoding {
 public:
  // "gpt2" (also "r50k_base") or "cl100k_base", loaded once from
  // <datasets>/vocab/<name>.tiktoken (scripts/setup.sh installs them). <datasets> is
  // $STRATBENCH_DATASETS_DIR when set, else the source tree's datasets/. Any other name
  // that names a file (it has a '/' or ends in .tiktoken) is a trained vocabulary, loaded
  // once with from_file. Throws InputError.
  static const Encoding& get(const std::string& name);
  // Loads from an explicit rank file (tests, fuzzing).
  static Encoding from_ranks(const std::string& name, RankTable ranks);
  // A vocabulary trained by `stratbench tokenizer train` (text/bpe_trainer.hpp): the ranks
  // of the .tiktoken file at `path`, GPT-2's pre-tokenizer, and <|endoftext|> with the id
  // after the last rank, as GPT-2 itself has it. Named by the path. Throws InputError.
  static Encoding from_file(const std::string& path);
  // The same for ranks already in memory (a trainer's result, a GGUF file's vocabulary).
  static Encoding trained(const std::string& name, RankTable ranks);
  // Any encoding: ranks, pattern and special tokens (ids at or past the last rank, each
  // once). InputError naming `name` otherwise. The special's text must not be a rank's bytes:
  // tiktoken would then have two ids for one string.
  static Encoding custom(const std::string& name, Pattern pattern, RankTable ranks,
                         std::vector<std::pair<std::string, std::uint32_t>> specials);
  static std::vector<std::string> names() { return {"gpt2", "cl100k_base"}; }
  // What a trained vocabulary's special token is called, as in GPT-2.
  static constexpr const char* kEndOfText = "<|endoftext|>";
  static std::string vocab_path(const std::string& name);

  const std::string& name() const { return name_; }
  Pattern pattern() const { return pattern_; }
  const RankTable& ranks() const { return ranks_; }
  const std::vector<std::pair<std::string, std::uint32_t>>& specials() const { return specials_; }
  std::uint32_t n_vocab() const { return n_vocab_; }

  // The bytes of the ids; throws InputError naming the first id that is not a token.
  std::string decode(std::span<const std::uint32_t> ids) const;

 private:
  std::string name_;
  Pattern pattern_ = Pattern::gpt2;
  RankTable ranks_;
  std::vector<std::pair<std::string, std::uint32_t>> specials_;
  std::uint32_t n_vocab_ = 0;
};

}  // namespace sb::text
