// Compression of a model's layer projections (q, k, v, o, gate, up, down; never the
// embeddings or the head), applied to the fp32 weights while a model is built:
// - sparsity: magnitude pruning, per row, to a share of zeros (u50, u70, u90), or 2:4
//   (two zeros in every four consecutive inputs); stored in Matrix's sparse form;
// - low rank: the truncated SVD at a share of the full rank, W ~ A B, by a randomized range
//   finder (Halko, Martinsson and Tropp 2011) on OpenBLAS and LAPACK;
// - sharing: groups of consecutive layers run one set of weights, the group's mean
//   (ALBERT-style; build_model does it, see llama_model.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stratbench/workloads/strategy.hpp"

namespace sb::llm {

struct Compression {
  Sparsity sparsity = Sparsity::off;
  int lowrank_percent = 0;  // 0: full rank
  int share = 1;            // layers per shared set
  bool any() const { return sparsity != Sparsity::off || lowrank_percent > 0 || share > 1; }
};
Compression compression_of(const Knobs& k);

// The share of zeros that a sparsity setting asks for (2:4: one half).
double zero_share(Sparsity s);

// Zeroes, in each row of the row-major rows x cols matrix, the inputs of smallest
// magnitude: round(share * cols) of them (ties to the lower column), or for 2:4 the two
// smallest of every four (cols a multiple of 4: InputError otherwise).
void prune_magnitude(std::span<float> w, int rows, int cols, Sparsity s);

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
