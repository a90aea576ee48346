// The "nvtx" profiler: the recorder's ranges of the traced pass, on one track per thread.
#include <algorithm>

#include "profiler_rows.hpp"
#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/profilers/nvtx_recorder.hpp"

namespace sb::prof {
namespace {

class NvtxProfiler : public Profiler {
 public:
  std::string begin() override {
    std::string why = nvtx_recorder_unavailable_reason();
    if (why.empty()) nvtx_recorder_start();
    return why;
  }
  void end(int /*iterations*/, PassOutput& out) override {
    NvtxCollected got = nvtx_recorder_stop(out.trace->base_ns);
    out.ranges += got.ranges;
    for (auto& e : got.events) out.trace->events.push_back(std::move(e));
    for (auto& t : got.tracks) {
      const bool known = std::any_of(out.trace->tracks.begin(), out.trace->tracks.end(),
                                     [&](const TraceTrack& k) { return k.pid == t.pid && k.tid == t.tid; });
      if (!known) out.trace->tracks.push_back(std::move(t));
    }
    out.ns_per_range = calibrate();
  }

 private:
  // A range's cost with collection on, measured on this machine after the pass (what the
  // pass's ranges cost is then ranges x this, without guessing from noisy totals).
  static double calibrate() {
    constexpr int kRanges = 20000;
    nvtx_recorder_start();
    const std::int64_t t0 = now_ns();
    for (int i = 0; i < kRanges; ++i) {
      SB_RANGE(Category::harness, "calibration");
    }
    const std::int64_t t1 = now_ns();
    nvtx_recorder_stop(t0);
    return static_cast<double>(t1 - t0) / kRanges;
  }
};

}  // namespace

Availability nvtx_availability() {
  const std::string why = nvtx_recorder_unavailable_reason();
  return {why.empty(), why, {}};
}

std::unique_ptr<Profiler> make_nvtx_profiler() { return std::make_unique<NvtxProfiler>(); }

}  // namespace sb::prof
