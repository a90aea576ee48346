// Runs one cell in a child process (the same binary, `__cell` subcommand) with a timeout
// and an optional memory limit, and turns whatever happens to it into a Cell: the child's
// own result, or `failed`/`timeout` with the signal or exit code and the last stderr lines.
#pragma once

#include <functional>
#include <string>

#include "stratbench/harness/cell_main.hpp"
#include "stratbench/harness/options.hpp"

namespace sb {

struct CellProcessResult {
  Cell cell;
  bool interrupted = false;  // killed by a second Ctrl-C: not a result, not to be logged
  int signal = 0;            // the signal that ended the cell, if one did
};

// `stop_now` is polled while the child runs; when it returns true the child's process
// group is killed and the result is marked interrupted.
CellProcessResult run_cell_process(const std::string& self_exe, const CellJob& job, const RunnerOptions& opt,
                                   const std::function<bool()>& stop_now);

// Path of the running executable (/proc/self/exe).
std::string self_executable();

}  // namespace sb
