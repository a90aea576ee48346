// Options of the measurement (in the cell process) and of the runner (in the parent).
// Each default is chosen for a 2-core shared machine; see the comments for why.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace sb {

constexpr int kMaxSamplesLimit = 100000;  // more samples than this is a typo, not a plan

struct MeasureOptions {
  double target_rse = 0.01;  // stop when the median is known to ±1% (one standard error)
  int min_samples = 5;       // fewer cannot give a distribution-free interval of the median
  int max_samples = 200;
  double budget_s = 5;          // wall time for samples beyond min_samples
  double sample_time_s = 0.05;  // each sample runs enough iterations to last this long
  double warmup_s = 0.1;        // at least one iteration, then until this long has passed
  // Calibration only (validating a gate against a known truth): lengthen every measured
  // iteration by this fraction of its warm-up time with calibrated busy work. 0 = off.
  double inject_slowdown = 0;
};

struct RunnerOptions {
  double timeout_s = 300;   // per cell, from spawn to exit (SIGTERM, then SIGKILL)
  double kill_grace_s = 2;  // between SIGTERM and SIGKILL
  // Resident set of the cell process, polled by the runner (see cell_process.cpp); 0 = none.
  std::uint64_t memory_limit_bytes = 0;
};

nlohmann::json to_json(const MeasureOptions& o);
nlohmann::json to_json(const RunnerOptions& o);
// Missing fields keep their defaults; wrong types throw InputError naming the field.
MeasureOptions measure_options_from_json(const nlohmann::json& j, const std::string& where);
RunnerOptions runner_options_from_json(const nlohmann::json& j, const std::string& where);
// Checks ranges (target_rse in (0,1), min_samples >= 3, ...); throws InputError naming
// the field and its flag, after `where` (a file) when given.
void validate(const MeasureOptions& o, const std::string& where = "");

}  // namespace sb
