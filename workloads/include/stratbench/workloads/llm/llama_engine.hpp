// The Llama forward pass on the CPU: embedding, RMSNorm, RoPE, grouped-query attention over
// a KV cache, SwiGLU, output head; greedy generation on top.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "stratbench/workloads/llm/kv_cache.hpp"
#include "stratbench/workloads/llm/llama_model.hpp"

namespace sb::llm {

struct EngineOptions {
  SimdLevel simd = SimdLevel::scalar;
  int threads = 1;
  bool fused = false;    // needs a model built with fold_norms; online-softmax attention
  bool arena = false;    // memory=pool: scratch from one arena, rewound per forward
  bool kv_cache = true;  // off: every decode step recomputes the whole prefix
  bool blocked = false;  // layout=blocked: register-tiled products over the tokens of a forward
};

// A strategy's knobs as engine options (simd auto resolves to the best level the LLM
// kernels have here).
EngineOptions engine_options(const Strategy& s);

// Scratch for one forward. malloc mode: every request is a fresh allocation, freed at
// reset() (what a naive engine does per op). Arena mode: bump allocation in one block that
// grows to the high-water mark during the first forward and is then reused.
class Scratch {
 public:
  explicit Scratch(bool arena) : arena_(arena) {}
  float* floats(std::size_t n) { return reinterpret_cast<float*>(bytes(n * sizeof(float))); }
  std::uint8_t* bytes(std::size_t n);
  void reset();

 private:
  bool arena_;
  std::vector<std::unique_ptr<std::uint8_t[]>> blocks_;
  std::size_t used_ = 0, capacity_ = 0, wanted_ = 0;
};

// What a strategy needs of its model beyond build_model: with layout=blocked at the AVX-512
// level, the Q4_0/Q8_0 layer matrices' interleaved copies (Matrix::interleave16) for the
// prefill tiles.
// Call before constructing the Engine; without it those products run the row-major tiles.
void prepare_model(LlamaModel& m, const EngineOptions& opt);

class Engine {
 public:
  // `m` must outlive the engine; m.folded must equal opt.fused. The first form has a
  // contiguous cache of n_seqs sequences of `capacity` positions.
  Engine(const LlamaModel& m, EngineOptions opt, int n_seqs, int capacity);
  Engine(const LlamaModel& m, EngineOptions opt, KvCache cache);
  ~Engine();

  // Appends tokens[i] to sequence seqs[i] at that sequence's next position (prefill: many
  // tokens per sequence in one call, as one matrix product; decode: one per sequence).
  // Writes vocab logits for every token (all_logits) or for the last token of each
  // sequence present, in the order those last tokens appear. InputError for a token id
  // outside the vocabulary, a sequence running past the cache's capacity, or a paged pool
  // without the blocks the new positions need (the engine is left as it was).
  void forward(const int* tokens, const int* seqs, int n, bool all_logits, float* logits);
  void reset_seq(int seq) { cache_.reset(seq); }
  // From now on, add every projection input's squared columns into *n (Wanda's
  // calibration, compress.hpp); an unfused engine only (the fused one never forms the
  // normalized inputs). Null stops it.
  void observe_inputs(InputNorms* n);
  const KvCache& cache() const { return cache_; }
  KvCache& cache() { return cache_; }  // the server's scheduler manages a paged pool's blocks
  const EngineOptions& options() const { return opt_; }
  const LlamaModel& model() const { return m_; }

 private:
  void attention(int layer, const float* qkv, const int* seqs, const int* pos, int n, float* out);
  void ffn_fused(const LayerWeights& w, const float* x, const float* s, int n, float* h);

  const LlamaModel& m_;
  EngineOptions opt_;
  KernelOptions kopt_;
  KvCache cache_;
  Scratch scratch_;
  std::vector<float> inv_freq_;
  InputNorms* observed_ = nullptr;
};

// Greedy generation for equal-length prompts, one per sequence.
struct Generation {
  std::vector<std::vector<int>> tokens;                 // [seq][step] generated ids
  std::vector<std::vector<std::vector<float>>> logits;  // [step][seq][vocab] when recorded
  double ttft_s = 0;                                    // prefill + first token
  std::vector<double> step_s;                           // each later step
};
// forced: when given, step i feeds forced[seq][i] instead of the argmax (teacher forcing,
// so two strategies are compared on the same contexts). Resets the engine's sequences.
Generation generate(Engine& e, const std::vector<std::vector<int>>& prompts, int gen_len, bool record_logits,
                    const std::vector<std::vector<int>>* forced = nullptr);

int argmax(const float* x, int n);  // first maximum on ties
// Deterministic prompts: token ids in [3, vocab) (0..2 are unk/bos/eos) from a seed.
std::vector<std::vector<int>> make_prompts(int batch, int len, int vocab, std::uint64_t seed);

}  // namespace sb::llm
