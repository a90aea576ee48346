// `trace summarize` and `trace diff` on hand-written traces (trace_fixture.hpp) whose
// figures are worked out by hand in the comments: nesting and self time, quantiles, shares,
// start/end pairs, GPU kernels, the diff's shares; and the formats, golden.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "stratbench/reports/trace_summary.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "trace_fixture.hpp"

namespace sb {
namespace {

TraceSummary summary(const std::string& text, const std::string& where = "t.json") {
  return summarize_trace(trace_from_json(parse_json_text(text, where), where));
}

const TraceRow& row(const TraceSummary& s, TraceSection section, const std::string& cat, const std::string& name) {
  for (const auto& r : s.rows)
    if (r.section == section && r.category == cat && r.name == name) return r;
  throw std::runtime_error("no row " + cat + "/" + name);
}

const TraceDiffRow& diff_row(const TraceDiff& d, const std::string& name) {
  for (const auto& r : d.rows)
    if (r.name == name) return r;
  throw std::runtime_error("no diff row " + name);
}

TEST(TraceSummary, NestingGivesSelfTime) {
  const TraceSummary s = summary(test::kSampleTrace);
  // Four layers of 200 µs; inside them attention + mlp take 170, 160, 170, 170.
  const TraceRow& layer = row(s, TraceSection::ranges, "llm", "layer");
  EXPECT_EQ(layer.count, 4u);  // grouped by name, whatever the "index" arg
  EXPECT_EQ(layer.total_ns, 800'000);
  EXPECT_EQ(layer.self_ns, 130'000);
  // The first attention holds a 5 µs launch: 480 - 5.
  const TraceRow& attention = row(s, TraceSection::ranges, "llm", "attention");
  EXPECT_EQ(attention.total_ns, 480'000);
  EXPECT_EQ(attention.self_ns, 475'000);
  EXPECT_EQ(row(s, TraceSection::ranges, "cuda_runtime", "cudaLaunchKernel").self_ns, 5'000);
  // Each iteration of 500 holds two layers of 200; the pass holds both iterations.
  EXPECT_EQ(row(s, TraceSection::ranges, "harness", "iteration").self_ns, 200'000);
  EXPECT_EQ(row(s, TraceSection::ranges, "harness", "traced pass").self_ns, 0);
  // tokenize on tid 2 overlaps the main thread's ranges in time but is nobody's child.
  EXPECT_EQ(row(s, TraceSection::ranges, "tokenizer", "tokenize").self_ns, 250);
}

TEST(TraceSummary, QuantilesMeanAndShares) {
  const TraceSummary s = summary(test::kSampleTrace);
  EXPECT_EQ(s.iterations, 2);
  EXPECT_EQ(s.iterations_from, "otherData.iterations");
  EXPECT_EQ(s.pass_ns, 1'000'000);
  EXPECT_TRUE(s.notes.empty());
  // attention: 100 120 120 140 µs. p99 interpolates: position 0.99 * 3 = 2.97 -> 120 + 0.97 * 20.
  const TraceRow& attention = row(s, TraceSection::ranges, "llm", "attention");
  EXPECT_DOUBLE_EQ(attention.mean_ns, 120'000);
  EXPECT_DOUBLE_EQ(attention.p50_ns, 120'000);
  EXPECT_NEAR(attention.p99_ns, 139'400, 1e-6);
  EXPECT_EQ(attention.min_ns, 100'000);
  EXPECT_EQ(attention.max_ns, 140'000);
  EXPECT_DOUBLE_EQ(attention.per_iteration_ns, 240'000);
  EXPECT_DOUBLE_EQ(attention.share, 0.48);
  // mlp: 30 50 50 60 -> median of the middle two, p99 = 50 + 0.97 * 10.
  const TraceRow& mlp = row(s, TraceSection::ranges, "llm", "mlp");
  EXPECT_DOUBLE_EQ(mlp.p50_ns, 50'000);
  EXPECT_NEAR(mlp.p99_ns, 59'700, 1e-6);
  EXPECT_DOUBLE_EQ(row(s, TraceSection::ranges, "harness", "traced pass").share, 1.0);
}

TEST(TraceSummary, AsyncPairsGpuMarksCounters) {
  const TraceSummary s = summary(test::kSampleTrace);
  // The "b" on tid 2 at 100 µs, the "e" on tid 1 at 400 µs (earlier in the file).
  const TraceRow& request = row(s, TraceSection::ranges, "serve", "request");
  EXPECT_EQ(request.count, 1u);
  EXPECT_EQ(request.total_ns, 300'000);
  EXPECT_EQ(request.self_ns, 300'000);
  const TraceRow& gemm = row(s, TraceSection::gpu, "kernel", "gemm_kernel");
  EXPECT_EQ(gemm.count, 2u);
  EXPECT_EQ(gemm.total_ns, 110'000);
  EXPECT_DOUBLE_EQ(gemm.p50_ns, 55'000);
  EXPECT_DOUBLE_EQ(gemm.share, 0.11);
  EXPECT_EQ(row(s, TraceSection::gpu, "memcpy", "HtoD").total_ns, 3'000);
  ASSERT_EQ(s.marks.size(), 1u);
  EXPECT_EQ(s.marks[0].count, 2u);
  ASSERT_EQ(s.counters.size(), 1u);
  EXPECT_EQ(s.counters[0].min, 100);
  EXPECT_EQ(s.counters[0].max, 180);
  // Ranges by total, the pass before its iterations (equal totals), then the GPU's.
  ASSERT_EQ(s.rows.size(), 10u);
  EXPECT_EQ(s.rows[0].name, "traced pass");
  EXPECT_EQ(s.rows[1].name, "iteration");
  EXPECT_EQ(s.rows[2].name, "layer");
  EXPECT_EQ(s.rows[8].name, "gemm_kernel");
}

TEST(TraceSummary, FallbacksWithoutHarnessRangesAreNoted) {
  // No "traced pass": shares are of the span, 10 to 110 µs; iterations from the two ranges.
  TraceSummary s = summary(R"([
    {"ph":"X","name":"iteration","cat":"harness","ts":10,"dur":40,"pid":1,"tid":1},
    {"ph":"X","name":"iteration","cat":"harness","ts":60,"dur":50,"pid":1,"tid":1}])");
  EXPECT_EQ(s.pass_ns, 100'000);
  EXPECT_EQ(s.iterations, 2);
  EXPECT_EQ(s.iterations_from, "\"iteration\" ranges");
  EXPECT_DOUBLE_EQ(s.rows[0].share, 0.9);
  ASSERT_EQ(s.notes.size(), 1u);
  // Neither: one iteration assumed, said so.
  s = summary(R"([{"ph":"X","name":"work","ts":0,"dur":10,"pid":1,"tid":1}])");
  EXPECT_EQ(s.iterations, 1);
  EXPECT_EQ(s.notes.size(), 2u);
  // Nothing at all: no shares rather than a division by zero.
  s = summary(R"({"traceEvents":[]})");
  EXPECT_TRUE(s.rows.empty());
  EXPECT_EQ(s.pass_ns, 0);
}

TEST(TraceSummary, SloppyNestingNeverGoesNegative) {
  // The child (file order first, same start) and a range spilling past its parent's end.
  const TraceSummary s = summary(R"([
    {"ph":"X","name":"child","ts":0,"dur":30,"pid":1,"tid":1},
    {"ph":"X","name":"parent","ts":0,"dur":50,"pid":1,"tid":1},
    {"ph":"X","name":"spill","ts":40,"dur":30,"pid":1,"tid":1},
    {"ph":"X","name":"other","ts":0,"dur":50,"pid":1,"tid":2}])");
  EXPECT_EQ(row(s, TraceSection::ranges, "", "parent").self_ns, 10'000);  // 50 - 30 - the 10 of spill inside
  EXPECT_EQ(row(s, TraceSection::ranges, "", "spill").self_ns, 30'000);
  EXPECT_EQ(row(s, TraceSection::ranges, "", "other").self_ns, 50'000);
}

TEST(TraceSummary, DurationsThatOverflowAreAnInputError) {
  std::string text = R"({"traceEvents":[)";
  for (int i = 0; i < 10'000; ++i)
    text += std::string(i ? "," : "") + R"({"ph":"X","name":"a","ts":0,"dur":1e12,"pid":1,"tid":1})";
  text += "]}";
  EXPECT_THROW(summary(text), InputError);
}

TEST(TraceDiff, SharesOfTheDifference) {
  const TraceDiff d = diff_traces(summary(test::kDiffA, "a.json"), summary(test::kDiffB, "b.json"));
  // Per iteration the pass goes 200 -> 230 µs: +30, all of it the attention's (100 -> 130).
  const TraceDiffRow& attention = diff_row(d, "attention");
  EXPECT_DOUBLE_EQ(*attention.a_ns, 100'000);
  EXPECT_DOUBLE_EQ(*attention.b_ns, 130'000);
  EXPECT_DOUBLE_EQ(attention.delta_ns, 30'000);
  EXPECT_DOUBLE_EQ(*attention.change, 0.3);
  EXPECT_DOUBLE_EQ(*attention.share, 1.0);
  EXPECT_DOUBLE_EQ(*diff_row(d, "mlp").share, 0.0);
  // Only in B: 10 µs per iteration, a third of the difference; only in A: -5, minus a sixth.
  const TraceDiffRow& flash = diff_row(d, "flash");
  EXPECT_FALSE(flash.a_ns);
  EXPECT_FALSE(flash.change);
  EXPECT_DOUBLE_EQ(*flash.share, 1.0 / 3);
  const TraceDiffRow& htod = diff_row(d, "HtoD");
  EXPECT_FALSE(htod.b_ns);
  EXPECT_EQ(htod.section, TraceSection::gpu);
  EXPECT_DOUBLE_EQ(htod.delta_ns, -5'000);
  EXPECT_DOUBLE_EQ(*htod.share, -1.0 / 6);
  // Largest difference first.
  ASSERT_EQ(d.rows.size(), 7u);
  EXPECT_DOUBLE_EQ(std::fabs(d.rows[2].delta_ns), 30'000);
  EXPECT_EQ(d.rows[3].name, "flash");
  EXPECT_EQ(d.rows[4].name, "HtoD");
  EXPECT_TRUE(d.notes.empty());  // strategies differ by design: no note
}

TEST(TraceDiff, SamePassTimeAndDifferentWorkloadsAreNoted) {
  const TraceDiff d = diff_traces(summary(test::kDiffA), summary(test::kSampleTrace));
  EXPECT_EQ(d.notes.size(), 1u);  // the workloads differ
  const TraceDiff same = diff_traces(summary(test::kDiffA), summary(test::kDiffA));
  EXPECT_FALSE(same.rows[0].share);
  EXPECT_EQ(same.notes.size(), 1u);
}

TEST(TraceFormats, DurationUnitsFit) {
  EXPECT_EQ(fmt_duration_ns(950), "950 ns");
  EXPECT_EQ(fmt_duration_ns(999.96), "1 µs");
  EXPECT_EQ(fmt_duration_ns(840'123), "840.1 µs");
  EXPECT_EQ(fmt_duration_ns(12'345'678), "12.35 ms");
  EXPECT_EQ(fmt_duration_ns(1.5e9), "1.5 s");
  EXPECT_EQ(fmt_duration_ns(0), "0 ns");
  EXPECT_EQ(trace_format_names(), "table, md, csv, json");
  EXPECT_EQ(find_trace_format("xml"), nullptr);
}

}  // namespace
}  // namespace sb
