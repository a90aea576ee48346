#include "stratbench/reports/paired_gate.hpp"

#include <algorithm>
#include <cmath>

#include "stratbench/reports/inference.hpp"
#include "stratbench/reports/text_table.hpp"

namespace sb {

std::map<std::string, PairedVerdict> judge_pairs(const PairLogRatios& ratios) {
  std::map<std::string, PairedVerdict> out;
  std::vector<std::string> ids;
  std::vector<double> ps;
  for (const auto& [id, d] : ratios) {
    PairedVerdict v;
    v.n = static_cast<int>(d.size());
    if (d.size() >= 2) {
      v.p = inference::wilcoxon_signed_rank(d, inference::Alternative::greater).p;
      v.ratio = std::exp(inference::hodges_lehmann_pseudomedian(d));
    }
    out[id] = v;
    ids.push_back(id);
    ps.push_back(v.p);
  }
  const auto holm = inference::holm_adjust(ps);
  for (std::size_t k = 0; k < ids.size(); ++k) out[ids[k]].p_holm = holm[k];
  return out;
}

std::vector<std::string> paired_suspects(const std::map<std::string, PairedVerdict>& stage1, const GatePolicy& policy) {
  std::vector<std::string> out;
  for (const auto& [id, v] : stage1)
    if (v.p_holm < policy.alpha && v.ratio > policy.min_ratio) out.push_back(id);
  return out;
}

static std::string verdict_text(const PairedVerdict& v) {
  return "ratio " + fmt_num(v.ratio) + ", p " + fmt_num(v.p, 3) + " (Holm " + fmt_num(v.p_holm, 3);
}

GateResult paired_gate(const RunFile& first_base, const RunFile& first_cand, const GatePolicy& policy,
                       const std::map<std::string, PairedVerdict>& stage1,
                       const std::map<std::string, PairedVerdict>& stage2, int pairs) {
  GateResult out = gate_runs(first_base, first_cand, policy);
  out.timing_rule = "interleaved pairs (" + std::to_string(pairs) +
                    " per stage, random AB/BA order, a fresh process per arm, each arm's fastest sample), "
                    "one-sided Wilcoxon signed-rank on log ratios, Holm-adjusted p < " +
                    fmt_num(policy.alpha) + " and ratio > " + fmt_num(policy.min_ratio) +
                    " in stage 1, confirmed in an independent stage 2 at p < " + fmt_num(policy.confirm_alpha);
  for (auto& cell : out.cells) {
    // The single-run timing test of gate_runs does not apply: the pairs decide.
    std::erase_if(cell.checks, [](const GateCheck& c) { return c.rule == "timing"; });
    auto it1 = stage1.find(cell.id);
    if (it1 == stage1.end()) continue;
    std::string detail = "stage 1: " + verdict_text(it1->second) + ", " + std::to_string(it1->second.n) + " pairs)";
    bool regression = false;
    if (auto it2 = stage2.find(cell.id); it2 != stage2.end()) {
      const PairedVerdict& b = it2->second;
      regression = b.p_holm < policy.confirm_alpha && b.ratio > policy.min_ratio;
      detail += "; stage 2: " + verdict_text(b) + ") — " + (regression ? "confirmed" : "not confirmed");
    }
    cell.checks.insert(cell.checks.begin(), {"timing", regression, detail});
  }
  return out;
}

}  // namespace sb
