// A workload: a named piece of work with parameter axes. It says which strategy knobs it
// honours, prepares an instance for one cell, and runs one iteration at a time.
//
// Call order in the cell process (harness/cell_main): unsupported() -> prepare() ->
// check() once, untimed -> run_once() for warm-up -> run_once() in the timed loop.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stratbench/result/result.hpp"
#include "stratbench/workloads/strategy.hpp"

namespace sb {

// Built with designated initializers ({.name = "m", .help = ..., .default_value = "512"});
// every member has a default, so a row names only what differs.
struct ParamSpec {
  std::string name = {};
  std::string help = {};
  std::string default_value = {};  // as on the command line
  std::int64_t min = 1;            // integer parameters: inclusive bounds
  std::int64_t max = 1 << 16;
  std::vector<std::string> choices = {};  // non-empty: a string parameter with these values
  bool free_text = false;                 // a string parameter taking any non-empty value (a path)
};

// Parses one command-line value for a parameter; throws InputError naming the parameter.
ParamValue parse_param_value(const ParamSpec& spec, const std::string& text);
// Validates a value read from a matrix file (a JSON number or string) the same way.
void validate_param_value(const ParamSpec& spec, const ParamValue& v);

// Built with designated initializers, as ParamSpec.
struct WorkloadInfo {
  std::string name = {};
  std::string description = {};
  std::vector<ParamSpec> params = {};
  std::vector<std::string> knobs = {};  // knobs it honours; others set away from default skip the cell
  std::vector<std::string> devices = {"cpu"};
  std::string throughput_unit = {};  // "GFLOP/s"
  double throughput_scale = 1;       // work units per second * scale = throughput value
  // The harness runs its cells itself, as processes (the QA server and a load against it:
  // harness/load/serve_cell.hpp), not through prepare() and a timed loop of run_once().
  bool runs_as_processes = false;
};

struct CheckResult {
  bool ok = false;
  std::string detail;  // what was compared and how far off it was
  QualityMetrics quality;
};

class Instance {
 public:
  virtual ~Instance() = default;
  // One iteration of the measured work. Must not allocate what prepare could have.
  virtual void run_once() = 0;
  // Runs once and compares the output with a higher-precision reference (untimed).
  virtual CheckResult check() = 0;
  // Work done by one iteration, in the unit the throughput counts (FLOP for GFLOP/s).
  virtual double work_per_iteration() const = 0;
  // Extra per-iteration counters for the results ("flops", "bytes").
  virtual std::map<std::string, double> counters() const { return {}; }
  // Device work is timed on the device: when this is true, the timed loop calls
  // run_once_device_seconds() instead of run_once() and feeds the seconds that device
  // events measured to Google Benchmark's manual time. Host work keeps the default and is
  // timed with the host's monotonic clock.
  virtual bool timed_on_device() const { return false; }
  virtual double run_once_device_seconds();
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual const WorkloadInfo& info() const = 0;
  // Empty when the cell can run; otherwise the reason it is skipped.
  virtual std::string unsupported(const Strategy& s, const Params& p, const std::string& device) const;
  virtual std::unique_ptr<Instance> prepare(const Strategy& s, const Params& p, const std::string& device) const = 0;
};

// The registry: built-in workloads are listed in registry.cpp; test builds add their own.
const std::vector<std::unique_ptr<Workload>>& workloads();
const Workload* find_workload(const std::string& name);
void register_workload(std::unique_ptr<Workload> w);

// Reads an integer parameter that the matrix has already validated.
std::int64_t int_param(const Params& p, const std::string& name);
// Reads a string parameter (choices or free text) that the matrix has already validated.
std::string str_param(const Params& p, const std::string& name);

}  // namespace sb
