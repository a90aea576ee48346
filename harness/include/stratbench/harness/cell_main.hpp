// The cell process: the hidden `stratbench __cell SPEC OUT` subcommand (each a file, or
// fd:N for a descriptor the runner passed down). It prepares the workload, checks its
// output against the reference, warms up, measures, and writes the finished Cell as JSON
// to OUT. Exit 0 whenever OUT was written (even for a failed check);
// anything else (a crash, a signal, a non-zero exit) is judged by the parent.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "stratbench/harness/options.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

inline constexpr const char* kCellSubcommand = "__cell";

struct CellJob {
  Cell cell;  // planned: id, workload, strategy, device, params
  MeasureOptions measure;
};

nlohmann::json to_json(const CellJob& job);
CellJob cell_job_from_json(const nlohmann::json& j, const std::string& where);

// Runs the job in this process and returns the finished cell (status ok or failed).
Cell run_cell_in_process(const CellJob& job);

// argv after the subcommand: SPEC OUT. Returns the process exit code.
int cell_main(int argc, char** argv);

}  // namespace sb
