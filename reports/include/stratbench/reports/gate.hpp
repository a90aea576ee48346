// `stratbench gate --policy FILE BASE NEW`: the CI decision. Timings are judged by a
// one-sided test corrected across the matrix (Holm) and a minimum effect; deterministic
// metrics (peak memory, allocation counts, quality figures, counters) by fixed limits.
// Exit codes: 0 pass, 1 regression, 2 error (InputError).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stratbench/result/metrics_table.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

inline constexpr const char* kPolicySchemaV1 = "stratbench/policy/v1";

struct MetricLimit {
  // A path of the metrics table (result/metrics_table.hpp): "memory.peak_rss_bytes",
  // "quality.rel_error", "counters.allocs_per_iteration", ...; metric_value reads it.
  std::string metric;
  std::optional<double> max_ratio, max_increase, max, min;
};

struct GatePolicy {
  double alpha = 0.01;      // one-sided, family-wise over the matrix's cells (Holm)
  double min_ratio = 1.02;  // and the median must be at least this much slower
  // Interleaved mode: a stage-1 suspect must also pass this level in the independent
  // stage 2. The false-alarm rate per cell is then at most alpha × confirm_alpha.
  double confirm_alpha = 0.05;
  std::vector<MetricLimit> limits;
  bool fail_on_missing = true;  // a cell of BASE absent from NEW (or no longer ok) fails
  // Interleaved mode: a cell that passed, but whose pairs could not have seen a slowdown
  // of min_ratio (at alpha, with this power), is inconclusive; the policy says what that
  // means for CI: fail (exit 1), warn (exit 0, marked in the summary and as a skipped
  // JUnit test) or pass (exit 0, noted).
  double power = 0.8;
  // Interleaved mode, > 0: sequential pairs instead of two fixed stages. Pairs are added
  // while a cell is undecided, up to this many, each cell looked at after every pair with
  // an always-valid test (sequential.hpp); undecided at the budget is inconclusive.
  int max_pairs = 0;
  // Sequential mode's time budget in seconds (0: none): no pair starts once it is spent.
  // Given alone, it turns sequential mode on with a cap of 10000 pairs.
  double max_seconds = 0;
  enum class Inconclusive { fail, warn, pass } inconclusive = Inconclusive::warn;
};

// Throws InputError naming the file and field.
GatePolicy policy_from_json(const nlohmann::json& j, const std::string& where);
GatePolicy read_policy_file(const std::string& path);

struct GateCheck {
  std::string rule;  // "timing", "memory.peak_rss_bytes max_ratio 1.1", "missing"
  bool failed = false;
  std::string detail;
  bool inconclusive = false;  // the check could not tell (failed too when the policy says so)
};

struct GateCell {
  std::string id, label;  // label: "gemm blocked+simd k=256,m=256,n=256 cpu"
  std::vector<GateCheck> checks;
  bool regression() const;
  bool compared = true;  // false: nothing to judge (skipped on both sides)
};

struct GateResult {
  std::vector<GateCell> cells;
  std::string timing_rule;  // how timings were judged, for the summary
  std::vector<std::string> mismatches;
  std::vector<std::string> notes;  // the machine's noise: load average before and after
  bool regression() const;
  int regressions() const;
  int inconclusive() const;  // cells with an inconclusive check
};

GateResult gate_runs(const RunFile& base, const RunFile& next, const GatePolicy& policy);
std::string gate_markdown(const GateResult& r);
std::string gate_junit(const GateResult& r);

}  // namespace sb
