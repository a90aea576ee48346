#include "stratbench/harness/measure.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "stratbench/result/stats.hpp"

namespace sb {
namespace {

// Keeps each repetition's own figure (Google Benchmark's console reporter keeps only the
// aggregates when there are many repetitions; statistics need the samples).
class SampleReporter final : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      if (r.error_occurred) {
        error = r.error_message;
        continue;
      }
      if (r.iterations <= 0) continue;
      samples.push_back(r.real_accumulated_time / static_cast<double>(r.iterations));
      iterations.push_back(r.iterations);
    }
  }
  std::vector<double> samples;
  std::vector<benchmark::IterationCount> iterations;
  std::string error;
};

void init_gbench_once() {
  static bool done = [] {
    // Google Benchmark reads its flags here; ours are set per benchmark instead.
    static char arg0[] = "stratbench-cell";
    static char* argv[] = {arg0, nullptr};
    int argc = 1;
    benchmark::Initialize(&argc, argv);
    return true;
  }();
  (void)done;
}

}  // namespace

MeasureResult measure(const std::string& name, const std::function<void()>& iteration, const MeasureOptions& opt,
                      const std::function<double()>& device_seconds) {
  init_gbench_once();
  MeasureResult res;
  res.stopping.target_rse = opt.target_rse;
  res.stopping.budget_s = opt.budget_s;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  benchmark::IterationCount iters = 0;  // fixed after the first round so samples are alike
  int want = opt.min_samples;
  double rse = INFINITY;
  while (want > 0) {
    benchmark::ClearRegisteredBenchmarks();
    auto* b = benchmark::RegisterBenchmark(name.c_str(), [&](benchmark::State& st) {
      if (device_seconds) {
        for (auto _ : st) st.SetIterationTime(device_seconds());
      } else {
        for (auto _ : st) iteration();
      }
    });
    b->Repetitions(want)->ReportAggregatesOnly(false)->Unit(benchmark::kMillisecond);
    if (device_seconds)
      b->UseManualTime();
    else
      b->UseRealTime();
    if (iters > 0)
      b->Iterations(iters);
    else
      b->MinTime(opt.sample_time_s);
    SampleReporter rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    if (!rep.error.empty()) {
      res.error = rep.error;
      break;
    }
    if (rep.samples.empty()) {
      res.error = "Google Benchmark reported no repetitions";
      break;
    }
    if (iters == 0) iters = rep.iterations.back();
    for (std::size_t i = 0; i < rep.samples.size(); ++i) {
      res.seconds_per_iteration.push_back(rep.samples[i]);
      res.total_iterations += rep.iterations[i];
    }
    const int n = static_cast<int>(res.seconds_per_iteration.size());
    rse = stats::median_rse(res.seconds_per_iteration);
    if (rse <= opt.target_rse || n >= opt.max_samples) break;
    const double remaining = opt.budget_s - elapsed();
    const double per_sample = stats::mean(res.seconds_per_iteration) * static_cast<double>(iters);
    if (remaining <= per_sample) break;
    // The standard error shrinks like 1/sqrt(n): aim for the n that reaches the target,
    // at least a few more samples, within what is left of the budget and of max_samples.
    const double ratio = std::isfinite(rse) ? rse / opt.target_rse : 2.0;
    int needed = static_cast<int>(std::ceil(n * ratio * ratio)) - n;
    needed = std::max(needed, 3);
    needed = std::min(needed, opt.max_samples - n);
    needed = std::min(needed, std::max(1, static_cast<int>(remaining / std::max(per_sample, 1e-9))));
    want = needed;
  }
  benchmark::ClearRegisteredBenchmarks();
  res.stopping.achieved_rse = std::isfinite(rse) ? rse : -1;
  res.stopping.target_reached = std::isfinite(rse) && rse <= opt.target_rse;
  res.stopping.iterations_per_sample = iters;
  return res;
}

}  // namespace sb
