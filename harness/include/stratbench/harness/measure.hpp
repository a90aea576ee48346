// The timed phase of a cell: Google Benchmark drives the loop (one registered benchmark,
// repetitions, a reporter that keeps every repetition), in rounds until the median is
// known to the asked precision, the time budget is spent, or max_samples is reached.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "stratbench/harness/options.hpp"
#include "stratbench/result/result.hpp"

namespace sb {

struct MeasureResult {
  std::vector<double> seconds_per_iteration;  // one per repetition (sample)
  StoppingInfo stopping;
  std::int64_t total_iterations = 0;
  std::string error;  // set when the benchmark reported an error
};

// `iteration` runs one iteration of host work, timed with a monotonic clock (real time).
// Device work passes `device_seconds` instead: it runs one iteration and returns the
// seconds device events measured, which become Google Benchmark's manual time.
MeasureResult measure(const std::string& name, const std::function<void()>& iteration, const MeasureOptions& opt,
                      const std::function<double()>& device_seconds = {});

}  // namespace sb
