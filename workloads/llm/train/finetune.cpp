#include "stratbench/workloads/llm/finetune.hpp"

#include <algorithm>
#include <memory>
#include <span>
#include <string>

#include "stratbench/result/errors.hpp"

namespace sb::llm::train {

std::function<void(std::vector<float>&)> apply_compression(const ParamLayout& l, const Compression& c,
                                                           std::vector<float>& params) {
  SB_CHECK(params.size() == l.total);
  if (c.lowrank_percent > 0)
    throw InputError("model finetune keeps sparsity and share; a low-rank model would need its factors trained");
  if (!c.any()) throw InputError("model finetune: the strategy compresses nothing (give sparsity=... or share=...)");
  // Sharing first, then pruning: the order build_model uses (it averages a group, then
  // prunes the mean), so that loading the result with the same strategy changes nothing.
  // A pruned copy stays equal to its group's other copies: the mask is the mean's.
  std::vector<std::vector<std::size_t>> groups;  // offsets of the tensors averaged together
  std::vector<std::size_t> sizes;
  if (c.share > 1) {
    for (std::size_t i = 0; i < l.specs.size(); ++i) {
      const LayerTensor t = layer_tensor(l.specs[i].name);
      if (t.layer < 0 || t.layer % c.share != 0) continue;
      std::vector<std::size_t> members;
      for (int m = t.layer; m < std::min(l.cfg.n_layers, t.layer + c.share); ++m)
        members.push_back(l.offset("blk." + std::to_string(m) + "." + t.rest));
      groups.push_back(std::move(members));
      sizes.push_back(l.specs[i].elements());
    }
  }
  auto average = [groups, sizes](std::vector<float>& p) {
    for (std::size_t g = 0; g < groups.size(); ++g)
      for (std::size_t e = 0; e < sizes[g]; ++e) {
        double sum = 0;
        for (std::size_t off : groups[g]) sum += p[off + e];
        const auto mean = static_cast<float>(sum / static_cast<double>(groups[g].size()));
        for (std::size_t off : groups[g]) p[off + e] = mean;
      }
  };
  average(params);
  auto zeros = std::make_shared<std::vector<std::size_t>>();
  if (c.sparsity != Sparsity::off)
    for (const TensorSpec& s : l.specs) {
      if (!projection_input(s.name)) continue;
      const std::size_t off = l.offset(s.name);
      const int rows = static_cast<int>(s.dims[1]), cols = static_cast<int>(s.dims[0]);
      std::span<float> w(params.data() + off, s.elements());
      prune(w, rows, cols, c.sparsity, c.wanda ? c.wanda->of(s.name) : nullptr);
      for (std::size_t e = 0; e < w.size(); ++e)
        if (w[e] == 0.0f) zeros->push_back(off + e);
    }
  return [average, zeros](std::vector<float>& p) {
    average(p);
    for (std::size_t i : *zeros) p[i] = 0.0f;
  };
}

}  // namespace sb::llm::train
