#include "stratbench/harness/measure.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "stratbench/harness/cell_main.hpp"
#include "stratbench/harness/matrix.hpp"
#include "stratbench/profilers/memory.hpp"
#include "stratbench/workloads/llm/model_config.hpp"

namespace sb {
namespace {

TEST(Measure, KeepsEverySampleAndTimesTheWork) {
  MeasureOptions o;
  o.min_samples = 5;
  o.max_samples = 8;
  o.budget_s = 0.5;
  o.sample_time_s = 0.01;
  auto r = measure(
      "sleep2ms", [] { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }, o);
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_GE(r.seconds_per_iteration.size(), 5u);
  ASSERT_LE(r.seconds_per_iteration.size(), 8u);
  for (double s : r.seconds_per_iteration) {
    EXPECT_GE(s, 0.002);  // a sleep never ends early
    EXPECT_LT(s, 0.2);
  }
  EXPECT_GE(r.stopping.iterations_per_sample, 1);
}

// One cell of workload x strategy x params, with a short measurement.
CellJob short_job(const std::string& workload, const std::string& strategy,
                  std::map<std::string, std::vector<std::string>> params) {
  MatrixSpec s;
  MatrixGroup g;
  g.workloads = {workload};
  g.strategies = {strategy};
  g.params = std::move(params);
  s.groups = {g};
  auto plan = expand(s);
  EXPECT_EQ(plan.size(), 1u);
  CellJob job;
  job.cell = plan.at(0).cell;
  job.measure.budget_s = 0.2;
  job.measure.sample_time_s = 0.005;
  job.measure.warmup_s = 0.01;
  return job;
}

TEST(CellInProcess, GemmCellIsCheckedAndMeasured) {
  Cell c = run_cell_in_process(short_job("gemm", "blocked", {{"m", {"17"}}, {"n", {"33"}}, {"k", {"9"}}}));
  ASSERT_EQ(c.status, CellStatus::ok) << c.reason;
  EXPECT_GE(c.samples["time_s"].size(), 5u);
  ASSERT_TRUE(c.metrics.throughput.has_value());
  EXPECT_EQ(c.metrics.throughput->unit, "GFLOP/s");
  ASSERT_TRUE(c.metrics.quality.rel_error.has_value());
  EXPECT_LT(*c.metrics.quality.rel_error, 1e-5);
  EXPECT_TRUE(c.metrics.memory.peak_rss_bytes.has_value());
  EXPECT_EQ(c.metrics.counters.at("allocs_per_iteration"), 0);  // packing buffers come from prepare
}

// The peak RSS is the strategy's: an int4 model's cell must not carry the fp32 reference
// model that its check builds and frees (it did: an int4 `small` cell reported 1.2 GB for
// 88 MB of weights).
TEST(CellInProcess, PeakRssLeavesOutTheChecksReference) {
  if (!prof::reset_peak_rss()) GTEST_SKIP() << "the kernel refuses /proc/self/clear_refs: no per-phase peak";
  const CellJob job = short_job("decode", "int4", {{"model", {"tiny"}}, {"prompt_len", {"2"}}, {"gen_len", {"2"}}});
  prof::release_free_memory();
  const auto before = prof::current_rss_bytes();
  ASSERT_TRUE(before.has_value());
  Cell c = run_cell_in_process(job);
  ASSERT_EQ(c.status, CellStatus::ok) << c.reason;
  ASSERT_TRUE(c.metrics.memory.peak_rss_bytes.has_value());
  const double weights = c.metrics.counters.at("weight_bytes");
  const double fp32_weights = 4.0 * static_cast<double>(llm::parameter_count(llm::model_config("tiny")));
  ASSERT_LT(weights, fp32_weights / 4);
  const double grew = static_cast<double>(*c.metrics.memory.peak_rss_bytes) - static_cast<double>(*before);
  EXPECT_LT(grew, weights + fp32_weights / 2) << "peak " << *c.metrics.memory.peak_rss_bytes << ", before " << *before;
}

}  // namespace
}  // namespace sb

namespace sb {
namespace {

TEST(Measure, DeviceTimedWorkUsesTheDeviceSeconds) {
  MeasureOptions o;
  o.min_samples = 4;
  o.max_samples = 4;
  o.sample_time_s = 0.01;
  int calls = 0;
  auto r = measure(
      "device", [] {}, o,
      [&] {
        ++calls;
        return 0.003;  // what CUDA events would have said
      });
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.seconds_per_iteration.size(), 4u);
  for (double s : r.seconds_per_iteration) EXPECT_NEAR(s, 0.003, 1e-12);
  EXPECT_GT(calls, 0);
}

}  // namespace
}  // namespace sb
