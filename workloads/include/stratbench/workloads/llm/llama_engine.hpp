// The Llama forward pass on the CPU: embedding, RMSNorm, RoPE, grouped-query attention over
// a KV cache, SwiGLU, output head; greedy generation on top.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

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

// K and V of every layer for n_seqs sequences of up to `capacity` positions, fp32,
// [seq][layer][pos][kv_dim].
class KvCache {
 public:
  KvCache(const ModelConfig& c, int n_seqs, int capacity);
  float* k(int seq, int layer, int pos) { return k_.data() + offset(seq, layer, pos); }
  float* v(int seq, int layer, int pos) { return v_.data() + offset(seq, layer, pos); }
  int len(int seq) const { return len_[seq]; }
  void set_len(int seq, int n) { len_[seq] = n; }
  int capacity() const { return capacity_; }
  std::size_t bytes() const { return (k_.size() + v_.size()) * sizeof(float); }

 private:
  std::size_t offset(int seq, int layer, int pos) const {
    return ((static_cast<std::size_t>(seq) * layers_ + layer) * capacity_ + pos) * kv_dim_;
  }
  int layers_, capacity_, kv_dim_;
  std::vector<float> k_, v_;
  std::vector<int> len_;
};

// What a strategy needs of its model beyond build_model: with layout=blocked at the AVX-512
// level, the Q4_0/Q8_0 layer matrices' interleaved copies (Matrix::interleave16) for the
// prefill tiles.
// Call before constructing the Engine; without it those products run the row-major tiles.
void prepare_model(LlamaModel& m, const EngineOptions& opt);

class Engine {
 public:
  // `m` must outlive the engine; m.folded must equal opt.fused.
  Engine(const LlamaModel& m, EngineOptions opt, int n_seqs, int capacity);
  ~Engine();

  // Appends tokens[i] to sequence seqs[i] at that sequence's next position (prefill: many
  // tokens per sequence in one call, as one matrix product; decode: one per sequence).
  // Writes vocab logits for every token (all_logits) or for the last token of each
  // sequence present, in the order those last tokens appear. InputError for a token id
  // outside the vocabulary or a sequence running past the cache's capacity.
  void forward(const int* tokens, const int* seqs, int n, bool all_logits, float* logits);
  void reset_seq(int seq) { cache_.set_len(seq, 0); }
  // From now on, add every projection input's squared columns into *n (Wanda's
  // calibration, compress.hpp); an unfused engine only (the fused one never forms the
  // normalized inputs). Null stops it.
  void observe_inputs(InputNorms* n);
  const KvCache& cache() const { return cache_; }
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
