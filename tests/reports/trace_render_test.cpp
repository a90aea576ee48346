// The formats of `trace summarize` and `trace diff`: golden text for the sample traces
// (trace_fixture.hpp; the figures are checked by hand in trace_summary_test.cpp), and hostile
// names from a trace file neutralised by the escaper of each format.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "stratbench/reports/trace_summary.hpp"
#include "stratbench/result/result_json.hpp"
#include "trace_fixture.hpp"

namespace sb {
namespace {

TraceSummary summary(const std::string& text, const std::string& where) {
  return summarize_trace(trace_from_json(parse_json_text(text, where), where));
}

TraceDiff sample_diff() { return diff_traces(summary(test::kDiffA, "a.json"), summary(test::kDiffB, "b.json")); }

std::string render(const std::string& format, const TraceSummary& s) { return find_trace_format(format)->summary(s); }
std::string render(const std::string& format, const TraceDiff& d) { return find_trace_format(format)->diff(d); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(TraceRender, SummaryTableGolden) {
  const char* golden = R"(trace: sample.json
cell: llm_prefill/naive/seq=128
commit: abc123
host: box
params: seq=128
profilers: nvtx,cupti
strategy: naive
workload: llm_prefill
iterations: 2 (from otherData.iterations)
pass: 500 µs per iteration, 1 ms in all (from "traced pass" ranges)

ranges
category      name              count   total    self  per iter     mean     p50       p99   share
--------------------------------------------------------------------------------------------------
harness       traced pass           1    1 ms    0 ns    500 µs     1 ms    1 ms      1 ms  100.0%
harness       iteration             2    1 ms  200 µs    500 µs   500 µs  500 µs    500 µs  100.0%
llm           layer                 4  800 µs  130 µs    400 µs   200 µs  200 µs    200 µs   80.0%
llm           attention             4  480 µs  475 µs    240 µs   120 µs  120 µs  139.4 µs   48.0%
serve         request               1  300 µs  300 µs    150 µs   300 µs  300 µs    300 µs   30.0%
llm           mlp                   4  190 µs  190 µs     95 µs  47.5 µs   50 µs   59.7 µs   19.0%
cuda_runtime  cudaLaunchKernel      1    5 µs    5 µs    2.5 µs     5 µs    5 µs      5 µs    0.5%
tokenizer     tokenize              1  250 ns  250 ns    125 ns   250 ns  250 ns    250 ns    0.0%

GPU (kernels, memcpy, memset)
category  name         count   total    self  per iter   mean    p50      p99  share
------------------------------------------------------------------------------------
kernel    gemm_kernel      2  110 µs  110 µs     55 µs  55 µs  55 µs  59.9 µs  11.0%
memcpy    HtoD             1    3 µs    3 µs    1.5 µs   3 µs   3 µs     3 µs   0.3%

marks
category  name   count
----------------------
llm       token      2

counters
name    series   samples  min  max
----------------------------------
memory  rss_mib        2  100  180
)";
  EXPECT_EQ(render("table", summary(test::kSampleTrace, "sample.json")), golden);
}

TEST(TraceRender, DiffCsvGolden) {
  const char* golden =
      R"(section,category,name,a_ns_per_iteration,b_ns_per_iteration,delta_ns_per_iteration,change,share_of_difference
ranges,harness,iteration,200000.0,230000.0,30000.0,0.15,1.0
ranges,harness,traced pass,200000.0,230000.0,30000.0,0.15,1.0
ranges,llm,attention,100000.0,130000.0,30000.0,0.3,1.0
gpu,kernel,flash,,10000.0,10000.0,,0.3333333333333333
gpu,memcpy,HtoD,5000.0,,-5000.0,-1.0,-0.16666666666666666
ranges,llm,mlp,50000.0,50000.0,0.0,0.0,0.0
gpu,kernel,gemm,30000.0,30000.0,0.0,0.0,0.0
)";
  EXPECT_EQ(render("csv", sample_diff()), golden);
}

TEST(TraceRender, DiffTableAndMarkdown) {
  const std::string table = render("table", sample_diff());
  EXPECT_TRUE(has(table, "pass: 200 µs → 230 µs per iteration, +30 µs (+15.0%)")) << table;
  EXPECT_TRUE(has(table, "attention    100 µs  130 µs  +30 µs   +30.0%        +100.0%")) << table;
  EXPECT_TRUE(has(table, "—   10 µs  +10 µs        —         +33.3%  only in B")) << table;
  const std::string md = render("md", sample_diff());
  EXPECT_TRUE(has(md, "| ranges | llm | attention | 100 µs | 130 µs | +30 µs | +30.0% | +100.0% |  |")) << md;
  EXPECT_TRUE(has(md, "| gpu | memcpy | HtoD | 5 µs | — | -5 µs | -100.0% | -16.7% | only in A |")) << md;
}

TEST(TraceRender, JsonHoldsEveryFigure) {
  const auto s = nlohmann::json::parse(render("json", summary(test::kSampleTrace, "sample.json")));
  EXPECT_EQ(s["schema"], "stratbench/trace-summary/v1");
  EXPECT_EQ(s["iterations"], 2);
  EXPECT_EQ(s["metadata"]["workload"], "llm_prefill");
  EXPECT_EQ(s["rows"][3]["name"], "attention");
  EXPECT_EQ(s["rows"][3]["self_ns"], 475000);
  EXPECT_DOUBLE_EQ(s["rows"][3]["share"].get<double>(), 0.48);
  EXPECT_EQ(s["counters"][0]["max"], 180.0);
  const auto d = nlohmann::json::parse(render("json", sample_diff()));
  EXPECT_EQ(d["schema"], "stratbench/trace-diff/v1");
  EXPECT_EQ(d["a"]["file"], "a.json");
  EXPECT_TRUE(d["rows"][3]["a_ns_per_iteration"].is_null());  // flash: only in B
  EXPECT_DOUBLE_EQ(d["rows"][3]["share_of_difference"].get<double>(), 1.0 / 3);
  // An empty trace has no shares: null, never NaN (which is not JSON).
  const auto e = nlohmann::json::parse(render("json", summary(R"([{"ph":"i","name":"m","ts":0}])", "e.json")));
  EXPECT_EQ(e["pass_ns"], 0);
}

// Names and metadata are the trace file's: each format neutralises what is live in it.
TEST(TraceRender, HostileNamesAreEscapedPerFormat) {
  const std::string text = R"j({"otherData":{"workload":"<img src=x>\u001b[31m"},"traceEvents":[
    {"ph":"X","name":"=HYPERLINK(\"http://x\")","cat":"a|b","ts":0,"dur":1,"pid":1,"tid":1},
    {"ph":"X","name":"[click](http://x) @team\u001b]0;t\u0007","cat":"c","ts":0,"dur":1,"pid":1,"tid":2}]})j";
  const TraceSummary s = summary(text, "h.json");
  const std::string table = render("table", s);
  EXPECT_FALSE(has(table, "\x1b")) << table;
  EXPECT_FALSE(has(table, "\x07")) << table;
  EXPECT_TRUE(has(table, "\\x1b")) << table;
  const std::string md = render("md", s);
  EXPECT_FALSE(has(md, "<img")) << md;
  EXPECT_FALSE(has(md, "[click](")) << md;
  EXPECT_FALSE(has(md, "a|b")) << md;
  EXPECT_FALSE(has(md, "@team")) << md;
  const std::string csv = render("csv", s);
  EXPECT_TRUE(has(csv, R"x("'=HYPERLINK(""http://x"")")x")) << csv;
  const auto j = nlohmann::json::parse(render("json", s));
  EXPECT_EQ(j["metadata"]["workload"], "<img src=x>\x1b[31m");  // JSON keeps the exact text
}

}  // namespace
}  // namespace sb
