// The strong gate: both binaries on this machine, in randomized interleaved order (pairs
// AB or BA, one fresh `run` process per arm and pair), so drift hits both arms alike.
// Timings are judged on the pairs (one-sided Wilcoxon signed-rank on log ratios, Holm
// across cells); suspects are re-run in a second, independent stage and only confirmed
// regressions block.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stratbench/reports/gate.hpp"

namespace sb::cli {

struct InterleaveOptions {
  std::string baseline_bin, candidate_bin;
  std::vector<std::string> baseline_flags, candidate_flags;  // extra `run` flags per arm
  std::vector<std::string> run_flags;                        // the matrix, shared by both arms
  int pairs = 20;                                            // per stage
  std::uint64_t seed = 1;
  std::string workdir;  // where the arms' results and logs go
  bool quiet = false;
};

struct InterleaveOutcome {
  GateResult gate;
  int stage1_suspects = 0;
  int confirmed = 0;
};

InterleaveOutcome run_interleaved_gate(const InterleaveOptions& o, const GatePolicy& policy);

}  // namespace sb::cli
