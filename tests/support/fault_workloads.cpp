// Workloads that misbehave on purpose, linked only into the test build of the CLI
// (stratbench-test): they exercise the runner's fault isolation with real crashes, hangs
// and memory exhaustion, never mocks.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "fault_workloads.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb::test {
namespace {

class FaultInstance final : public Instance {
 public:
  FaultInstance(std::string mode, int ms) : mode_(std::move(mode)), ms_(ms) {
    if (mode_ == "crash") ::raise(SIGSEGV);
    if (mode_ == "hang")
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    if (mode_ == "exit") ::_exit(7);
    if (mode_ == "garble") {  // output that is not UTF-8, with a terminal escape, then a failure
      std::fputs("bad bytes \xff\xfe\x1b[31m red\n", stderr);
      std::fflush(stderr);
      ::_exit(9);
    }
    if (mode_ == "oom") {
      // Grow until the allocator gives up; touch pages so they are really used.
      for (;;) {
        blocks_.emplace_back(64u << 20);
        std::memset(blocks_.back().data(), 1, blocks_.back().size());
      }
    }
  }
  void run_once() override {
    if (ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms_));
    sink_ = sink_ * 31 + 1;
  }
  CheckResult check() override {
    CheckResult r;
    r.ok = mode_ != "wrong";
    r.detail = r.ok ? "fault workload: nothing to compare" : "fault workload: deliberately wrong output";
    r.quality.rel_error = r.ok ? 0.0 : 1.0;
    return r;
  }
  double work_per_iteration() const override { return 1; }

 private:
  std::string mode_;
  int ms_;
  std::vector<std::vector<char>> blocks_;
  volatile unsigned sink_ = 0;
};

class FaultWorkload final : public Workload {
 public:
  const WorkloadInfo& info() const override {
    static const WorkloadInfo inf{
        .name = "fault",
        .description = "test-only: a cell that succeeds, crashes, hangs, exits, runs out of memory or computes wrong",
        .params = {{.name = "mode",
                    .help = "what the cell does",
                    .default_value = "ok",
                    .min = 0,
                    .max = 0,
                    .choices = {"ok", "crash", "hang", "exit", "oom", "wrong", "garble"}},
                   {.name = "index", .help = "distinguishes otherwise equal cells", .default_value = "1", .max = 1000},
                   {.name = "ms",
                    .help = "milliseconds each iteration sleeps",
                    .default_value = "1",
                    .min = 0,
                    .max = 10000}},
        .knobs = {"threads"},
        .throughput_unit = "it/s",
    };
    return inf;
  }
  std::unique_ptr<Instance> prepare(const Strategy&, const Params& p, const std::string&) const override {
    return std::make_unique<FaultInstance>(std::get<std::string>(p.at("mode")), static_cast<int>(int_param(p, "ms")));
  }
};

}  // namespace

void register_fault_workloads() { register_workload(std::make_unique<FaultWorkload>()); }

}  // namespace sb::test
