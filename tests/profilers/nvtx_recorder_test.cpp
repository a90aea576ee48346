// stratbench's own NVTX tool: what it receives, how it nests, and that nothing is kept
// while it is not collecting.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/profilers/nvtx_recorder.hpp"

namespace sb::prof {
namespace {

const TraceEvent* find(const NvtxCollected& c, const std::string& name) {
  for (const auto& e : c.events)
    if (e.name == name) return &e;
  return nullptr;
}

TEST(NvtxRecorder, IsTheToolOfThisProcess) {
  if (!nvtx_compiled_in()) GTEST_SKIP() << "built without NVTX: " << nvtx_recorder_unavailable_reason();
  EXPECT_EQ(nvtx_recorder_unavailable_reason(), "");
}

TEST(NvtxRecorder, RecordsNestedRangesWithCategoriesAndPayloads) {
  if (!nvtx_compiled_in()) GTEST_SKIP() << "built without NVTX";
  { SB_RANGE(Category::llm, "before"); }  // not collecting: dropped
  const std::int64_t base = now_ns();
  nvtx_recorder_start();
  {
    SB_RANGE(Category::llm, "step");
    for (int l = 0; l < 3; ++l) {
      SB_RANGE_INDEXED(Category::llm, "layer", l);
      SB_RANGE(Category::llm, "attention");
    }
    nvtxMarkA("a mark");
    const nvtxRangeId_t id = nvtxRangeStartA("async");
    nvtxRangeEnd(id);
  }
  const NvtxCollected c = nvtx_recorder_stop(base);
  { SB_RANGE(Category::llm, "after"); }  // stopped: dropped

  EXPECT_EQ(find(c, "before"), nullptr);
  EXPECT_EQ(find(c, "after"), nullptr);
  const TraceEvent* step = find(c, "step");
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->category, "llm");
  EXPECT_EQ(step->kind, EventKind::complete);
  std::vector<double> layers;
  int attention = 0;
  for (const auto& e : c.events) {
    if (e.name == "layer") {
      ASSERT_EQ(e.num_args.size(), 1u);
      layers.push_back(e.num_args[0].second);
    }
    attention += e.name == "attention";
    if (e.kind == EventKind::complete && e.name != "step") {
      EXPECT_GE(e.ts_ns, step->ts_ns) << e.name;  // nested in time under the step
      EXPECT_LE(e.ts_ns + e.dur_ns, step->ts_ns + step->dur_ns) << e.name;
    }
  }
  std::sort(layers.begin(), layers.end());
  EXPECT_EQ(layers, (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(attention, 3);
  const TraceEvent* mark = find(c, "a mark");
  ASSERT_NE(mark, nullptr);
  EXPECT_EQ(mark->kind, EventKind::instant);
  int async = 0;
  for (const auto& e : c.events) async += e.name == "async";
  EXPECT_EQ(async, 2);  // its begin and its end
  EXPECT_EQ(c.ranges, 1u + 3u + 3u + 1u);
  ASSERT_EQ(c.tracks.size(), 1u);
  EXPECT_EQ(c.tracks[0].name, "main");
}

TEST(NvtxRecorder, OneTrackPerThreadWithItsName) {
  if (!nvtx_compiled_in()) GTEST_SKIP() << "built without NVTX";
  const std::int64_t base = now_ns();
  nvtx_recorder_start();
  std::thread w([] {
    name_this_thread("worker 1");
    SB_RANGE(Category::tokenizer, "merge");
  });
  w.join();
  { SB_RANGE(Category::tokenizer, "count"); }
  const NvtxCollected c = nvtx_recorder_stop(base);
  ASSERT_EQ(c.tracks.size(), 2u);
  std::vector<std::string> names = {c.tracks[0].name, c.tracks[1].name};
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"main", "worker 1"}));
  const TraceEvent* merge = find(c, "merge");
  const TraceEvent* count = find(c, "count");
  ASSERT_TRUE(merge && count);
  EXPECT_NE(merge->tid, count->tid);
  EXPECT_EQ(merge->category, "tokenizer");
}

TEST(NvtxRecorder, UnbalancedPopsAndARangeOpenAcrossTheStartAreHarmless) {
  if (!nvtx_compiled_in()) GTEST_SKIP() << "built without NVTX";
  nvtxRangePushA("open before the start");
  const std::int64_t base = now_ns();
  nvtx_recorder_start();
  { SB_RANGE(Category::harness, "inner"); }
  nvtxRangePop();                // closes the range pushed before the start: not recorded
  EXPECT_LT(nvtxRangePop(), 0);  // one pop too many: NVTX's negative answer
  const NvtxCollected c = nvtx_recorder_stop(base);
  EXPECT_NE(find(c, "inner"), nullptr);
  EXPECT_EQ(find(c, "open before the start"), nullptr);
  EXPECT_EQ(c.ranges, 1u);
}

}  // namespace
}  // namespace sb::prof
