// The "memory" profiler: the resident set and the allocation count as counter tracks,
// sampled at the start of the traced pass and after each of its iterations.
#include "profiler_rows.hpp"
#include "stratbench/profilers/memory.hpp"

namespace sb::prof {
namespace {

class MemoryProfiler : public Profiler {
 public:
  std::string begin() override {
    a0_ = alloc_counts();
    sample();
    return "";
  }
  void iteration_done(int) override { sample(); }
  void end(int /*iterations*/, PassOutput& out) override {
    for (const auto& s : samples_) {
      if (s.rss) out.trace->events.push_back(counter("resident set (bytes)", s.ts - out.trace->base_ns, *s.rss));
      out.trace->events.push_back(counter("allocations (count)", s.ts - out.trace->base_ns, s.allocs));
      out.trace->events.push_back(counter("allocated (bytes)", s.ts - out.trace->base_ns, s.alloc_bytes));
    }
  }

 private:
  struct Sample {
    std::int64_t ts;
    std::optional<std::uint64_t> rss;
    double allocs, alloc_bytes;
  };
  static TraceEvent counter(const char* name, std::int64_t ts, double v) {
    TraceEvent e;
    e.kind = EventKind::counter;
    e.name = name;
    e.category = "memory";
    e.ts_ns = ts;
    e.num_args.emplace_back("value", v);
    return e;
  }
  void sample() {
    const AllocCounts a = alloc_counts();
    samples_.push_back({now_ns(), current_rss_bytes(), static_cast<double>(a.count - a0_.count),
                        static_cast<double>(a.bytes - a0_.bytes)});
  }
  AllocCounts a0_;
  std::vector<Sample> samples_;
};

}  // namespace

Availability memory_availability() {
  if (!current_rss_bytes()) return {false, "cannot read VmRSS from /proc/self/status", {}};
  return {true, "", {}};
}

std::unique_ptr<Profiler> make_memory_profiler() { return std::make_unique<MemoryProfiler>(); }

}  // namespace sb::prof
