// The quality check's reference run (the uncompressed model at the reference precision,
// scalar, one thread: greedy tokens, their logits, and the held-out perplexity), kept on
// disk so that it is computed once per model, prompts and settings and then reused by every
// cell and run: for a 1b model it took two minutes and a second copy of the weights per
// cell. Keyed by the model's identity (a synthetic config's name and seed, or a hash of the
// file's bytes), the reference precision, the prompts' shape and seed, and kVersion, which
// must be bumped whenever the reference engine's arithmetic changes.
//
// Where: $STRATBENCH_CACHE_DIR, else $XDG_CACHE_HOME/stratbench, else $HOME/.cache/stratbench;
// STRATBENCH_CACHE_DIR=off turns it off. A file that does not read back as exactly what its
// name promises (truncated, another key, wrong sizes) is ignored and rewritten.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::llm {

struct ReferenceRun {
  std::vector<std::vector<int>> tokens;                 // [seq][step]
  std::vector<std::vector<std::vector<float>>> logits;  // [step][seq][vocab]
  double ppl = 0;                                       // 0: none (a model with no held-out text)
  std::int64_t ppl_scored = 0;
};

inline constexpr int kReferenceVersion = 1;

// The cache directory, or empty when caching is off.
std::string reference_cache_dir();
// A 64-bit hash of a file's bytes, as 16 hex digits (InputError naming the file when it
// cannot be read).
std::string file_hash_hex(const std::string& path);

std::optional<ReferenceRun> load_reference(const std::string& key);
// Atomic (a temporary file renamed into place); a failure to write is not an error, the
// next cell computes the reference again.
void store_reference(const std::string& key, const ReferenceRun& r);

}  // namespace sb::llm
