// Declare, expand, run — the first two. A MatrixSpec is what the user asked for (flags or
// a JSON matrix file); expand() validates it in full and builds the cartesian product of
// cells, each with a stable id. Nothing here runs anything.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stratbench/harness/options.hpp"
#include "stratbench/harness/profile_options.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

// One cartesian product: workloads × strategies × parameter values × devices.
struct MatrixGroup {
  std::vector<std::string> workloads;
  std::vector<std::string> strategies{"baseline"};
  std::map<std::string, std::vector<std::string>> params;  // name -> values as typed (ranges expanded)
  std::vector<std::string> devices{"cpu"};
};

struct MatrixSpec {
  std::vector<MatrixGroup> groups;  // the matrix is the union of the groups' products
  MeasureOptions measure;
  RunnerOptions runner;
  // Non-empty: keep only the cells with these ids (a gate's confirmation stage re-runs
  // only its suspects). An id matching no cell of the matrix is an input error.
  std::vector<std::string> only_cells;
  // A traced pass after each cell's timed samples (run --profile / --trace).
  ProfileOptions profile;
};

struct CellPlan {
  Cell cell;  // id, workload, strategy, device, params; status skipped + reason when not runnable
  bool runnable = false;
};

// "256,512", "256-1024*2" (×2 steps), "1-10+3" (+3 steps), "8-11" (+1) -> the list of values.
// Throws InputError for empty items or malformed / runaway ranges.
std::vector<std::string> expand_value_list(const std::string& name, const std::string& text);
// "a,b,c" -> {a,b,c}; empty items are an error.
std::vector<std::string> split_list(const std::string& what, const std::string& text);

// Validates every workload, strategy, parameter and value, then expands. Unknown names and
// bad values throw InputError; cells a workload cannot run come back with runnable=false.
std::vector<CellPlan> expand(const MatrixSpec& spec);

// Stable id: stable_hash_hex (result.hpp) over workload, canonical strategy, params and device.
std::string cell_id(const std::string& workload, const std::string& canonical_strategy, const Params& params,
                    const std::string& device);

// The JSON matrix file: {"workloads":[..], "strategies":[..], "params":{"m":[256,"512-1024*2"]},
// "devices":[..]} or {"matrices":[{...},{...}]} plus optional "measure"/"runner" objects.
MatrixSpec matrix_from_json(const nlohmann::json& j, const std::string& where);
MatrixSpec read_matrix_file(const std::string& path);
nlohmann::json to_json(const MatrixSpec& spec);

}  // namespace sb
