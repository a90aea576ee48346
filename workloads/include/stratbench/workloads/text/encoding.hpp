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
  // $STRATBENCH_DATASETS_DIR when set, else the source tree's datasets/. Throws InputError.
  static const Encoding& get(const std::string& name);
  // Loads from an explicit rank file (tests, fuzzing).
  static Encoding from_ranks(const std::string& name, RankTable ranks);
  static std::vector<std::string> names() { return {"gpt2", "cl100k_base"}; }
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
