// Output quality of a strategy next to its speed: its logits against the fp32 baseline's on
// the same weights and contexts, and the floors below which a cell is failed.
#pragma once

#include <string>
#include <vector>

#include "stratbench/workloads/llm/llama_model.hpp"

namespace sb::llm {

struct LogitQuality {
  double rel_error = 0;  // ||got - ref|| / ||ref|| over every compared distribution
  double top1 = 0;       // fraction of distributions whose argmax agrees
  double kl = 0;         // mean KL(ref || got) of the softmaxes, nats
  int rows = 0;
};
// ref and got: the same number of rows of equal length (vocab logits).
LogitQuality compare_logits(const std::vector<std::vector<float>>& ref, const std::vector<std::vector<float>>& got);

// Floors per precision. Only rel_error is enforced. Measured teacher-forced on tiny's
// synthetic weights (seed 1234) with a few short prompts (llm_engine_test.cpp,
// llm_workloads_test.cpp): fp32 strategies <= 2e-6, fp16 5e-4..2e-3, bf16 ~3e-3..1e-2,
// int8 0.025..0.17, int4 0.38..0.70; floors sit 1.5-3x above the worst seen. Unrelated
// logits give about 1.4, so the int4 floor (1.2) only catches garbage: the synthetic
// outlier channels stretch Q4_0 blocks and random-weight logits are small and close. top-1 and KL are reported but not
// yet gated: the synthetic models' logits are near-uniform, so their argmax flips on tiny changes and their KL is tiny,
// and no floors have been calibrated on a real model yet (max_kl/min_top1 stay at their no-op values until someone
// measures them on a real GGUF).
struct QualityFloor {
  double max_rel_error;
  double min_top1 = 0;
  double max_kl = 1e300;
};
const QualityFloor& quality_floor(Precision p);
// Compressed models (sparsity, lowrank, share) are compared against the uncompressed model
// at their precision, and change it by design: a pruned or shared random-weight model's
// logits are near-unrelated to its original's (rel_error about 1.4). The floor (2) only
// fails exploded or non-finite logits; the sparse and low-rank kernels' correctness is the
// unit tests' business (against float64 products of the same compressed weights).
const QualityFloor& compressed_floor();

}  // namespace sb::llm
