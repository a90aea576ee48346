#include "stratbench/reports/paired_gate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "stratbench/reports/inference.hpp"
#include "stratbench/reports/sequential.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/stats.hpp"

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
      v.sd_log = stats::stddev(d);
    }
    out[id] = v;
    ids.push_back(id);
    ps.push_back(v.p);
  }
  const auto holm = inference::holm_adjust(ps);
  for (std::size_t k = 0; k < ids.size(); ++k) out[ids[k]].p_holm = holm[k];
  return out;
}

// The standard normal quantile, by bisection on normal_cdf (to 1e-12: plenty for a bound).
static double normal_quantile(double p) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    const double mid = (lo + hi) / 2;
    (inference::normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double detectable_ratio(double sd_log, int n, double alpha, double power) {
  if (n < 2) return std::numeric_limits<double>::infinity();
  const double z = normal_quantile(1 - alpha) + normal_quantile(power);
  return std::exp(z * sd_log / std::sqrt(3.0 / std::numbers::pi * n));
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

static std::string percent(double ratio) {
  if (!std::isfinite(ratio)) return "any";
  return fmt_num((ratio - 1) * 100, 3) + "%";
}

// What the pairs could have seen: stage 2's pairs when it ran (at confirm_alpha, one cell
// at a time), else stage 1's (at alpha shared over the cells, Bonferroni: Holm's
// strictest step). Wider than min_ratio: the pass says nothing about min_ratio.
static void mark_inconclusive(GateCheck& check, const GatePolicy& policy, const PairedVerdict& s1,
                              std::map<std::string, PairedVerdict>::const_iterator s2,
                              const std::map<std::string, PairedVerdict>& stage2, std::size_t cells) {
  const bool second = s2 != stage2.end();
  const PairedVerdict& v = second ? s2->second : s1;
  const double level =
      second ? policy.confirm_alpha : policy.alpha / static_cast<double>(std::max<std::size_t>(cells, 1));
  const double seen = detectable_ratio(v.sd_log, v.n, level, policy.power);
  check.detail += "; noise ±" + fmt_num(v.sd_log * 100, 3) + "% per pair, could have seen ≥ " + percent(seen) +
                  " (power " + fmt_num(policy.power) + ")";
  if (seen <= policy.min_ratio) return;
  check.detail += "; policy asks " + percent(policy.min_ratio) + ": inconclusive";
  if (policy.inconclusive == GatePolicy::Inconclusive::pass) return;  // noted, nothing more
  check.inconclusive = true;
  check.failed = policy.inconclusive == GatePolicy::Inconclusive::fail;
}

GateResult sequential_gate(const RunFile& first_base, const RunFile& first_cand, const GatePolicy& policy,
                           const PairLogRatios& ratios) {
  GateResult out = gate_runs(first_base, first_cand, policy);
  const double alpha = policy.alpha / static_cast<double>(std::max<std::size_t>(ratios.size(), 1));
  out.timing_rule =
      "sequential interleaved pairs (random AB/BA order, a fresh process per arm, each arm's fastest "
      "sample; up to " +
      std::to_string(policy.max_pairs) + " pairs" +
      (policy.max_seconds > 0 ? " or " + fmt_num(policy.max_seconds) + " s" : std::string()) +
      ", a look after each), the mixture SPRT on log ratios (always valid: Robbins 1970; Johari "
      "et al. 2022) at " +
      fmt_num(policy.alpha) + " over the cells; a regression needs a ratio above " + fmt_num(policy.min_ratio) +
      ", fine needs the interval's top below it";
  for (auto& cell : out.cells) {
    std::erase_if(cell.checks, [](const GateCheck& c) { return c.rule == "timing"; });
    auto it = ratios.find(cell.id);
    if (it == ratios.end()) continue;
    const SequentialLook look = sequential_look(it->second, alpha, policy.min_ratio);
    const std::string n = std::to_string(it->second.size());
    std::string detail = "ratio " + fmt_num(std::exp(look.mean)) + ", always-valid interval [" +
                         fmt_num(std::exp(look.lo)) + ", " + fmt_num(std::exp(look.hi)) + "], " + n +
                         " pairs, noise ±" + fmt_num(look.sd * 100, 3) + "% per pair";
    GateCheck check{"timing", false, ""};
    switch (look.decision) {
      case SequentialDecision::regression:
        check.failed = true;
        detail += " — slower";
        break;
      case SequentialDecision::fine: detail += " — fine"; break;
      case SequentialDecision::more:
        detail += "; undecided at the budget: the interval spans " + percent(policy.min_ratio) + ": inconclusive";
        if (policy.inconclusive != GatePolicy::Inconclusive::pass) {
          check.inconclusive = true;
          check.failed = policy.inconclusive == GatePolicy::Inconclusive::fail;
        }
        break;
    }
    check.detail = detail;
    cell.checks.insert(cell.checks.begin(), check);
  }
  return out;
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
  const std::size_t cells = stage1.size();
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
    GateCheck check{"timing", regression, detail};
    if (!regression) mark_inconclusive(check, policy, it1->second, stage2.find(cell.id), stage2, cells);
    cell.checks.insert(cell.checks.begin(), check);
  }
  return out;
}

}  // namespace sb
