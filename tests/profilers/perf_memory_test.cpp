// The perf and memory profilers: each counter present or absent with a reason (never a
// zero standing in for "could not"), derived values only from both inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "stratbench/profilers/profiler.hpp"

namespace sb::prof {
namespace {

volatile double g_sink = 0;
void busy() {
  double x = 0;
  for (int i = 0; i < 2'000'000; ++i) x += std::sqrt(static_cast<double>(i));
  g_sink = x;
}

TEST(ProfilerTable, NamesAreUniqueAndEachSaysWhyWhenUnavailable) {
  std::set<std::string> names;
  for (const auto& p : profiler_table()) {
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    const Availability a = p.available();
    if (!a.available) {
      EXPECT_FALSE(a.reason.empty()) << p.name;
    }
    for (const auto& part : a.parts)
      if (!part.available) {
        EXPECT_FALSE(part.reason.empty()) << p.name << "/" << part.name;
      }
  }
  EXPECT_NE(find_profiler("perf"), nullptr);
  EXPECT_EQ(find_profiler("nope"), nullptr);
  for (const auto& n : tracing_profilers()) EXPECT_TRUE(find_profiler(n)->tracing);
}

TEST(PerfProfiler, EachCounterIsAValueOrAReasonNeverBoth) {
  const ProfilerInfo* info = find_profiler("perf");
  const Availability a = info->available();
  if (!a.available) GTEST_SKIP() << "perf_event_open refused here: " << a.reason;
  auto p = info->make();
  ASSERT_EQ(p->begin(), "");
  busy();
  Trace t;
  PassOutput out;
  out.trace = &t;
  p->end(2, out);
  for (const auto& part : a.parts) {
    const bool value = out.counters.count(part.name) != 0;
    const bool absent = out.unavailable.count(part.name) != 0;
    EXPECT_NE(value, absent) << part.name;
    if (value) {
      EXPECT_GE(out.counters[part.name], 0) << part.name;
    }
  }
  if (out.counters.count("task_clock_ms")) {
    EXPECT_GT(out.counters["task_clock_ms"], 0);
  }
  EXPECT_EQ(out.counters.count("ipc") != 0, out.counters.count("cycles") && out.counters.count("instructions"));
}

TEST(MemoryProfiler, CounterTracksPerIteration) {
  auto p = find_profiler("memory")->make();
  ASSERT_EQ(p->begin(), "");
  std::vector<int> keep(1 << 20, 1);
  p->iteration_done(0);
  Trace t;
  t.base_ns = now_ns();
  PassOutput out;
  out.trace = &t;
  p->end(1, out);
  int rss = 0;
  for (const auto& e : t.events) {
    EXPECT_EQ(e.kind, EventKind::counter);
    rss += e.name == "resident set (bytes)";
  }
  EXPECT_EQ(rss, 2);  // the start and after iteration 0
  EXPECT_EQ(keep[5], 1);
}

}  // namespace
}  // namespace sb::prof
