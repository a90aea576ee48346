// Which profilers run a traced pass after each cell's timed samples, and for how many
// iterations (run --profile LIST / --trace / --trace-iters, or a matrix file's "profile").
// Tracing never changes a cell's id or the run's configuration hash: the timed samples are
// the same with and without it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stratbench/result/json_fields.hpp"

namespace sb {

struct ProfileOptions {
  std::vector<std::string> profilers;  // names of prof::profiler_table(); empty: no traced pass
  int iterations = 3;                  // of the traced pass
  bool any() const { return !profilers.empty(); }
};

constexpr int kMaxTraceIterations = 10000;

nlohmann::json to_json(const ProfileOptions& o);
// {"profilers": ["nvtx", "perf"], "iterations": 3}; unknown names and bad counts are
// InputErrors naming the field.
ProfileOptions profile_options_from_json(const nlohmann::json& j, const jf::Path& p);
// "nvtx,perf" or "all" -> names in table order, without repeats; InputError names `what`
// and lists the profilers for an unknown one.
std::vector<std::string> parse_profiler_list(const std::string& what, const std::string& list);
// Adds names to `o`, keeping table order and dropping repeats.
void add_profilers(ProfileOptions& o, const std::vector<std::string>& names);

}  // namespace sb
