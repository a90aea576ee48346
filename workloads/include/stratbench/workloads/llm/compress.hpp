// Compression of a model's layer projections (q, k, v, o, gate, up, down; never the
// embeddings or the head), applied to the fp32 weights while a model is built:
// - sparsity: pruning, per row, to a share of zeros (u50, u70, u90), or 2:4 (two zeros in
//   every four consecutive inputs), of the weights of smallest |W| (magnitude) or smallest
//   |W| times their input's norm on calibration text (Wanda: Sun, Liu, Bair and Kolter
//   2023); stored in Matrix's sparse form. Pruning happens before a norm's gain is folded
//   in (fusion), so fused and unfused models have the same zeros;
// - low rank: the truncated SVD at a share of the full rank, W ~ A B, by a randomized range
//   finder (Halko, Martinsson and Tropp 2011) on OpenBLAS and LAPACK;
// - sharing: groups of consecutive layers run one set of weights, the group's mean
//   (ALBERT-style; build_model does it, see llama_model.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <string>

#include "stratbench/workloads/strategy.hpp"

namespace sb::llm {

// Wanda's statistics: per layer, the sum over calibration tokens of each input column's
// square, for the four inputs that projections take.
enum class ProjInput { attn_in, attn_out, ffn_in, ffn_mid };  // q/k/v, o, gate/up, down

// A tensor's GGUF name split at its layer: "blk.5.attn_q.weight" is layer 5, rest
// "attn_q.weight"; layer -1 for tensors outside the layers (embeddings, head, final norm).
struct LayerTensor {
  int layer = -1;
  std::string rest;
};
LayerTensor layer_tensor(const std::string& name);
// The input a layer projection takes; nullopt for every other tensor (norms included).
std::optional<ProjInput> projection_input(const std::string& name);
struct InputNorms {
  std::vector<std::array<std::vector<double>, 4>> layers;
  std::int64_t tokens = 0;
  // The statistics of a layer tensor by its GGUF name ("blk.3.ffn_down.weight"); null for
  // other tensors.
  const std::vector<double>* of(const std::string& tensor) const;
};

struct Compression {
  Sparsity sparsity = Sparsity::off;
  const InputNorms* wanda = nullptr;  // set: prune by Wanda's score with these statistics
  int lowrank_percent = 0;            // 0: full rank
  int share = 1;                      // layers per shared set
  bool any() const { return sparsity != Sparsity::off || lowrank_percent > 0 || share > 1; }
};
Compression compression_of(const Knobs& k);

// The share of zeros that a sparsity setting asks for (2:4: one half).
double zero_share(Sparsity s);

// Zeroes, in each row of the row-major rows x cols matrix, the weights of smallest score:
// round(share * cols) of them (ties to the lower column), or for 2:4 the two smallest of
// every four (cols a multiple of 4: InputError otherwise). The score is |W[o][i]|, times
// sqrt(col_sumsq[i]) when col_sumsq is given (Wanda).
void prune(std::span<float> w, int rows, int cols, Sparsity s, const std::vector<double>* col_sumsq = nullptr);

// The rank kept at `percent` of the full rank min(rows, cols), at least 1; a multiple of 32
// when the factors are stored as blocks (Q8_0/Q4_0 rows are cut in blocks of 32).
int low_rank_k(int rows, int cols, int percent, bool blocks);

// W (rows x cols, row-major) ~ A B with A rows x k and B k x cols, both row-major: the
// best rank-k approximation up to the randomized finder's error (two power iterations and
// 16 extra columns: within a fraction of a percent of the optimum on trained weights; a
// matrix of rank k is reproduced to rounding). Deterministic for a seed.
struct Factors {
  int k = 0;
  std::vector<float> a, b;
};
Factors truncated_svd(std::span<const float> w, int rows, int cols, int k, std::uint64_t seed);

}  // namespace sb::llm
