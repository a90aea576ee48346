// `stratbench compare BASE NEW`: cells matched by id, the ratio of median latencies.
// (The statistics — bootstrap intervals, rank tests, verdicts — come with the gating work;
// this table makes no claim beyond the ratio of medians.)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stratbench/result/result.hpp"

namespace sb {

struct CompareRow {
  std::string id, workload, strategy, params, device;
  std::optional<double> base_p50_ms, new_p50_ms;
  std::optional<double> ratio;  // new / base median latency; < 1 is faster
  std::string note;             // "only in base", "failed in new: ...", ...
};

std::vector<CompareRow> compare_runs(const RunFile& base, const RunFile& next);
std::string format_compare_table(const std::vector<CompareRow>& rows);

}  // namespace sb
