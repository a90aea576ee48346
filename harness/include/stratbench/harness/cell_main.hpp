// The cell process: the hidden `stratbench __cell SPEC OUT` subcommand (each a file, or
// fd:N for a descriptor the runner passed down). It prepares the workload, checks its
// output against the reference, warms up, measures, and writes the finished Cell as JSON
// to OUT. Exit 0 whenever OUT was written (even for a failed check);
// anything else (a crash, a signal, a non-zero exit) is judged by the parent.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "stratbench/harness/options.hpp"
#include "stratbench/harness/profile_options.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

inline constexpr const char* kCellSubcommand = "__cell";

// How a cell process ends when the harness ends it. Any other code, or a signal, is the
// workload's own doing and is reported as such.
enum class CellExit : int {
  ok = 0,                   // the result was written (the cell itself may have failed a check)
  bad_job = 2,              // the job it was given is unreadable
  cannot_write_result = 3,  // the result could not be written back
  orphaned = 126,           // the runner died before the cell started
  exec_failed = 127,        // the binary could not be executed
};
// What a CellExit means, for failure reasons; empty for codes that are not a CellExit.
const char* describe(CellExit e);
int code(CellExit e);

struct CellJob {
  Cell cell;  // planned: id, workload, strategy, device, params
  MeasureOptions measure;
  ProfileOptions profile;  // profilers of the traced pass after the samples; none: no pass
  std::string trace_path;  // where the pass's trace goes (empty: no file)
  std::string trace_ref;   // the same path as the results file names it (relative to it)
};

nlohmann::json to_json(const CellJob& job);
CellJob cell_job_from_json(const nlohmann::json& j, const std::string& where);

// Runs the job in this process and returns the finished cell (status ok or failed).
Cell run_cell_in_process(const CellJob& job);

// argv after the subcommand: SPEC OUT. Returns the process exit code.
int cell_main(int argc, char** argv);

}  // namespace sb
