// `stratbench compare BASE NEW`: cells matched by id; per cell, the median ratio of the
// samples with a bootstrap confidence interval, a Mann-Whitney U test, the Hodges-Lehmann
// shift, and a verdict. The many cells of a matrix are corrected for: Holm's adjusted
// p-values decide (family-wise error), Benjamini-Hochberg q-values list suspects (FDR).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stratbench/result/result.hpp"

namespace sb {

enum class Verdict {
  faster,        // the whole CI of the ratio is below 1/(1+min_effect) and Holm-adjusted p < alpha
  slower,        // the whole CI is above 1+min_effect and Holm-adjusted p < alpha
  same,          // the whole CI lies within [1/(1+min_effect), 1+min_effect]
  inconclusive,  // none of the above: the noise is larger than the effect for these samples
  not_compared,  // missing on one side, not ok, or fewer than 2 samples
};
const char* to_string(Verdict v);

struct CompareOptions {
  double alpha = 0.05;       // family-wise, after Holm
  double min_effect = 0.02;  // ratios within ±2% count as "same"
  double confidence = 0.95;  // of the bootstrap interval
  int resamples = 2000;
  std::uint64_t seed = 42;  // the bootstrap is deterministic for a given pair of files
  // Set from another thread to stop early (the GUI closing during a 50,000-cell compare):
  // compare_runs then returns what it has, with `cancelled` set. Never read otherwise.
  const std::atomic<bool>* cancel = nullptr;
};

struct CellComparison {
  std::string id, workload, strategy, params, device;
  std::size_t n_base = 0, n_new = 0;
  std::optional<double> base_median_ms, new_median_ms;
  std::optional<double> ratio, ratio_lo, ratio_hi;  // new/base median time; < 1 is faster
  std::optional<double> p, p_holm, q_bh;            // two-sided Mann-Whitney, raw and adjusted
  std::optional<double> hl_shift_ms;                // Hodges-Lehmann shift new - base
  Verdict verdict = Verdict::not_compared;
  std::string note;
};

struct CompareResult {
  std::vector<CellComparison> rows;
  std::vector<std::string> mismatches;  // run_mismatches
  bool cancelled = false;               // CompareOptions::cancel was set: rows are partial
};

// Differences between two runs' hosts (the rule of result/host_comparability.hpp, applied
// to each matched cell's host: host_of; with a merged run, prefixed "N cells: ") and
// configurations that make timings incomparable, each named with both values.
std::vector<std::string> run_mismatches(const RunFile& base, const RunFile& next);

CompareResult compare_runs(const RunFile& base, const RunFile& next, const CompareOptions& opt = {});
std::string format_compare_table(const CompareResult& r);

}  // namespace sb
