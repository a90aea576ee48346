// One level of load end to end (a rate, or a closed-loop concurrency): arrival times, the
// planned requests, sending them, and the summary over the measured window. `stratbench
// load` runs one per rate; a matrix cell of workload `serve` runs one.
#pragma once

#include <string>
#include <vector>

#include "stratbench/harness/load/load_summary.hpp"

namespace sb::load {

struct LevelSpec {
  double rate = 0;  // requests/s; 0 with ClientOptions::concurrency > 0: closed loop
  int requests = 100;
  std::string arrivals = "poisson";
  DatasetSpec dataset;
  std::uint64_t seed = 1;
  double warmup_s = -1, cooldown_s = -1;  // < 0: the first and last 10% of the arrivals' span
  Slo slo;
};

struct LevelRun {
  std::vector<RequestRecord> recs;
  LoadSummary summary;
  double warmup_s = 0, cooldown_s = 0;  // as applied
};

LevelRun run_level(const std::string& corpus_text, const std::string& corpus_name, const LevelSpec& l,
                   const ClientOptions& o);

}  // namespace sb::load
