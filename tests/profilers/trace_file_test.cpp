// The trace writer's output, byte for byte (a golden), and its corner cases.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stratbench/profilers/trace_file.hpp"

namespace sb::prof {
namespace {

Trace small_trace() {
  Trace t;
  t.base_ns = 1000;
  t.processes = {{kCpuPid, "cell"}, {kGpuPidBase, "GPU 0"}};
  t.tracks = {{kCpuPid, 7, "main", 0}, {kGpuPidBase, 13, "stream 13", 0}};
  t.metadata = {{"cell", "abc"}, {"iterations", "2"}};
  TraceEvent child{EventKind::complete, "layer", "llm", 1500, 250, kCpuPid, 7, 0, {{"index", 3}}, {}};
  TraceEvent parent{EventKind::complete, "step", "llm", 1000, 2000, kCpuPid, 7, 0, {}, {}};
  TraceEvent kernel{EventKind::complete, "gemm<\"x\">", "kernel", 1700, 1, kGpuPidBase, 13, 0, {}, {{"grid", "1,1,1"}}};
  TraceEvent flow_s{EventKind::flow_start, "launch", "flow", 1600, 0, kCpuPid, 7, 42, {}, {}};
  TraceEvent flow_f{EventKind::flow_end, "launch", "flow", 1700, 0, kGpuPidBase, 13, 42, {}, {}};
  TraceEvent counter{EventKind::counter, "rss", "memory", 0, 0, kCpuPid, 0, 0, {{"value", 1.5}}, {}};
  TraceEvent mark{EventKind::instant, "tick", "", -2, 0, kCpuPid, 7, 0, {}, {}};
  // Out of order on purpose: the writer orders parents before children.
  t.events = {child, kernel, parent, flow_s, flow_f, counter, mark};
  return t;
}

TEST(TraceFile, GoldenOutput) {
  const std::string want =
      "{\"displayTimeUnit\":\"ns\",\n"
      "\"otherData\":{\"cell\":\"abc\",\"iterations\":\"2\"},\n"
      "\"traceEvents\":[\n"
      "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"cell\"}},\n"
      "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":1,\"tid\":0,\"args\":{\"sort_index\":1}},\n"
      "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":100,\"tid\":0,\"args\":{\"name\":\"GPU 0\"}},\n"
      "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":100,\"tid\":0,\"args\":{\"sort_index\":100}},\n"
      "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":7,\"args\":{\"name\":\"main\"}},\n"
      "{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":7,\"args\":{\"sort_index\":0}},\n"
      "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":100,\"tid\":13,\"args\":{\"name\":\"stream 13\"}},\n"
      "{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":100,\"tid\":13,\"args\":{\"sort_index\":0}},\n"
      "{\"ph\":\"C\",\"name\":\"rss\",\"cat\":\"memory\",\"ts\":0.000,\"pid\":1,\"tid\":0,\"args\":{\"value\":1.5}},\n"
      "{\"ph\":\"i\",\"name\":\"tick\",\"ts\":-0.002,\"pid\":1,\"tid\":7,\"s\":\"t\"},\n"
      "{\"ph\":\"X\",\"name\":\"step\",\"cat\":\"llm\",\"ts\":1.000,\"dur\":2.000,\"pid\":1,\"tid\":7},\n"
      "{\"ph\":\"X\",\"name\":\"layer\",\"cat\":\"llm\",\"ts\":1.500,\"dur\":0.250,\"pid\":1,\"tid\":7,"
      "\"args\":{\"index\":3.0}},\n"
      "{\"ph\":\"s\",\"name\":\"launch\",\"cat\":\"flow\",\"ts\":1.600,\"pid\":1,\"tid\":7,\"id\":42},\n"
      "{\"ph\":\"X\",\"name\":\"gemm<\\\"x\\\">\",\"cat\":\"kernel\",\"ts\":1.700,\"dur\":0.001,\"pid\":100,"
      "\"tid\":13,\"args\":{\"grid\":\"1,1,1\"}},\n"
      "{\"ph\":\"f\",\"name\":\"launch\",\"cat\":\"flow\",\"ts\":1.700,\"pid\":100,\"tid\":13,\"id\":42,"
      "\"bp\":\"e\"}\n"
      "]}\n";
  EXPECT_EQ(trace_to_json_text(small_trace()), want);
}

TEST(TraceFile, IsValidJsonAndKeepsNanoseconds) {
  Trace t = small_trace();
  t.events.push_back({EventKind::complete, "long", "x", 3'600'000'000'123, 1, kCpuPid, 7, 0, {}, {}});
  const auto j = nlohmann::json::parse(trace_to_json_text(t));
  ASSERT_TRUE(j["traceEvents"].is_array());
  bool found = false;
  for (const auto& e : j["traceEvents"])
    if (e["name"] == "long") {
      found = true;
      // An hour into the pass, the nanosecond is still there: 3600000000.123 us.
      EXPECT_EQ(static_cast<std::int64_t>(std::llround(e["ts"].get<double>() * 1000)), 3'600'000'000'123);
    }
  EXPECT_TRUE(found);
}

TEST(TraceFile, NonUtf8AndEmptyTraces) {
  Trace t;
  t.events.push_back({EventKind::complete, std::string("bad\xff", 4), "", 0, 1, kCpuPid, 1, 0, {}, {}});
  EXPECT_NO_THROW(nlohmann::json::parse(trace_to_json_text(t)));
  EXPECT_NO_THROW(nlohmann::json::parse(trace_to_json_text(Trace{})));
}

}  // namespace
}  // namespace sb::prof
