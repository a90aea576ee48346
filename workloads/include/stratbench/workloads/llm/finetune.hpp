// `model finetune` (issue 20): a short recovery fine-tune of a compressed model. The
// compression is applied to the trained parameters, and after every optimizer step its
// structure is put back: pruned weights to zero (the mask fixed at the start), a shared
// group's tensors to their mean (ALBERT-style tying, kept by projection: each copy takes
// its own step, then the group is averaged). The result is an f32 model whose weights
// already have the structure, so loading it with the same strategy reproduces the
// fine-tuned model exactly: magnitude pruning finds the zeros first, and the mean of equal
// copies is the copy.
#pragma once

#include <functional>
#include <vector>

#include "stratbench/workloads/llm/compress.hpp"
#include "stratbench/workloads/llm/train_model.hpp"

namespace sb::llm::train {

// Applies `c` (sparsity, optionally by Wanda's statistics, and share; InputError for low
// rank, which would need the factors trained instead) to `params` in ParamLayout order,
// and returns the constraint that keeps it.
std::function<void(std::vector<float>&)> apply_compression(const ParamLayout& l, const Compression& c,
                                                           std::vector<float>& params);

}  // namespace sb::llm::train
