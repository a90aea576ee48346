// Runs an expanded matrix: each runnable cell in its own process, in order; each finished
// cell appended to the log before the next starts; the results file written atomically at
// the end. The first Ctrl-C stops after the current cell, the second kills it.
#pragma once

#include <string>

#include "stratbench/harness/matrix.hpp"
#include "stratbench/harness/shard.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

struct RunRequest {
  MatrixSpec spec;
  std::string command;        // as typed, for the run header
  std::string results_path;   // the final JSON
  std::string log_path;       // the JSONL log
  std::string resume_log;     // non-empty: continue this log instead of starting fresh
  bool retry_failed = false;  // with resume_log: run failed and timed-out cells again
  bool terminal = false;      // progress as an updating line
  ShardRequest shard;         // run --shard K/N (a resumed shard keeps its log's cells)
};

struct RunOutcome {
  RunFile run;
  bool interrupted = false;
  int ran = 0, reused = 0, skipped = 0;
  std::string results_path, log_path;
};

// Installs SIGINT/SIGTERM handlers that count interrupts (first: stop after this cell).
void install_interrupt_handlers();

// Every cell read back from a resumed log must be a cell of the log's matrix, with the
// workload, strategy, device and params its id stands for; anything else is an InputError
// naming the log line. Output paths are checked before the first cell runs.
RunOutcome run_matrix(const RunRequest& req);

// "run.json" -> "run.traces": the folder of the run's trace files, beside the results
// file; each traced cell writes <folder>/<cell-id>.json and names it in its "trace".
std::string trace_folder_name(const std::string& results_path);

// Config hash: what was asked (cells and measurement options), not when or where.
std::string config_hash(const std::vector<CellPlan>& plan, const MatrixSpec& spec);

}  // namespace sb
