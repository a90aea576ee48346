// The interleaved gate's decision (gate --interleave), as pure functions of the pairs'
// log ratios: the CLI runs the arms (harness/cli/interleave.cpp) and hands the ratios
// here. Per cell, a one-sided Wilcoxon signed-rank test that the candidate is slower
// (Holm across the matrix's cells) and the Hodges-Lehmann ratio; a stage-1 suspect is a
// regression only when an independent stage 2 confirms it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "stratbench/reports/gate.hpp"

namespace sb {

// cell id -> log(candidate time / baseline time), one entry per AB or BA pair.
using PairLogRatios = std::map<std::string, std::vector<double>>;

struct PairedVerdict {
  double p = 1, p_holm = 1;  // one-sided (candidate slower), and Holm-adjusted over the cells
  double ratio = 1;          // exp of the Hodges-Lehmann pseudo-median of the log ratios
  int n = 0;                 // pairs
  double sd_log = 0;         // the pairs' noise: standard deviation of the log ratios
};

// The smallest slowdown (a ratio, 1.05 = 5%) that n pairs with this spread of log ratios
// would detect with probability `power` in a one-sided test at level `alpha`:
// exp((z(1-alpha) + z(power)) * sd / sqrt(0.955 n)), the normal approximation, with the
// signed-rank test's asymptotic relative efficiency (3/pi) against the t-test on normal
// differences (Lehmann, Nonparametrics, 1975). Infinite below two pairs.
double detectable_ratio(double sd_log, int n, double alpha, double power);

// A cell with fewer than two pairs keeps p = 1 and ratio = 1: it is never a suspect.
std::map<std::string, PairedVerdict> judge_pairs(const PairLogRatios& ratios);

// Stage 1: Holm-adjusted p below the policy's alpha and a ratio above its min_ratio.
std::vector<std::string> paired_suspects(const std::map<std::string, PairedVerdict>& stage1, const GatePolicy& policy);

// The gate's result: fixed limits and lost cells judged on the first pair's runs, and
// each cell's timing check from the paired verdicts (stage 2 at confirm_alpha decides;
// a cell that was no suspect passes). A cell that passed, but whose pairs could only have
// detected a slowdown above the policy's min_ratio (stage 1 at alpha over the cells, with
// the policy's power; or stage 2 at confirm_alpha when it ran), is inconclusive, and the
// policy's `inconclusive` decides whether that fails. `pairs` is the pairs per stage.
GateResult paired_gate(const RunFile& first_base, const RunFile& first_cand, const GatePolicy& policy,
                       const std::map<std::string, PairedVerdict>& stage1,
                       const std::map<std::string, PairedVerdict>& stage2, int pairs);

// Sequential mode (policy.max_pairs > 0): each cell's pairs judged by the always-valid
// rule at alpha over the cells (Bonferroni): a regression fails, fine passes, undecided at
// the budget is inconclusive as the policy says. The detail gives the pairs each took.
GateResult sequential_gate(const RunFile& first_base, const RunFile& first_cand, const GatePolicy& policy,
                           const PairLogRatios& ratios);

}  // namespace sb
