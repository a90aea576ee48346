// The profiler seam. A profiler says whether it can run here (and why not), begins and
// ends around a traced pass, and contributes metrics and trace events. One table lists
// them all: `list profilers`, `run --profile` validation and the cell's traced pass follow
// from it. Adding a profiler is one file and one row in profiler_table.cpp.
//
// Timing is never taken under a profiler: the cell measures its samples first, untraced,
// then runs a separate traced pass with the chosen profilers begun around it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stratbench/profilers/trace.hpp"
#include "stratbench/result/result.hpp"

namespace sb::prof {

// A part of a profiler with an availability of its own (one perf counter, say).
struct ProfilerPart {
  std::string name;
  bool available = false;
  std::string reason;  // why not, when not
};

struct Availability {
  bool available = false;
  std::string reason;               // why not, when not
  std::vector<ProfilerPart> parts;  // per counter / activity kind, where it has parts
};

// What a profiler hands back at the end of the pass.
struct PassOutput {
  Trace* trace = nullptr;                          // add events and tracks here
  std::map<std::string, double> counters;          // into the cell's metrics.counters (per iteration)
  std::map<std::string, std::string> unavailable;  // counter -> why it is absent
  std::optional<GpuMetrics> gpu;                   // CUPTI's totals
  std::vector<std::string> notes;                  // "12 records dropped", "ranges go to Nsight"
  std::uint64_t ranges = 0;                        // NVTX ranges recorded in the pass
  std::optional<double> ns_per_range;              // one range's cost while recorded, measured
};

class Profiler {
 public:
  virtual ~Profiler() = default;
  // Starts collecting; an empty string on success, else why it could not (the pass then
  // runs without this profiler and the reason is recorded).
  virtual std::string begin() = 0;
  // Called after each iteration of the pass (counter tracks sample here).
  virtual void iteration_done(int /*index*/) {}
  // Stops collecting and contributes. `iterations` is how many the pass ran.
  virtual void end(int iterations, PassOutput& out) = 0;
};

struct ProfilerInfo {
  const char* name;         // "nvtx", "cupti", "perf", "memory"
  const char* description;  // one line for `list profilers`
  bool tracing;             // turned on by `run --trace`
  std::function<Availability()> available;
  std::function<std::unique_ptr<Profiler>()> make;
};

const std::vector<ProfilerInfo>& profiler_table();
const ProfilerInfo* find_profiler(const std::string& name);
// The tracing profilers' names, in table order (what --trace chooses).
std::vector<std::string> tracing_profilers();

}  // namespace sb::prof
