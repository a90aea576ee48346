// `run --trace` end to end: the real workloads, a traced pass after the timed samples, one
// trace per cell whose ranges are all there and nest as the engine runs them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_test_util.hpp"
#include "stratbench/reports/json_schema.hpp"

namespace sb::test {
namespace {

using nlohmann::json;

// Fast settings: the point here is the traced pass, not the statistics.
const std::vector<std::string> kQuick = {"--min-samples", "3",    "--max-samples", "3",
                                         "--warmup",      "0.01", "--trace-iters", "2"};

struct Range {
  std::string name, cat;
  std::int64_t ts, end, tid;
  double index = -1;
};

struct TracedCell {
  json cell;
  json trace;
  std::vector<Range> ranges;
  std::map<std::int64_t, std::string> threads;
};

TracedCell run_traced(const std::string& dir_name, std::vector<std::string> args) {
  const std::string dir = fresh_dir(dir_name);
  args.insert(args.begin(), "run");
  args.insert(args.end(), kQuick.begin(), kQuick.end());
  args.insert(args.end(), {"--trace", "-o", dir + "/run.json"});
  const Proc p = run_cli(args);
  EXPECT_EQ(p.exit_code, 0) << p.out << p.err;
  TracedCell t;
  const json run = json::parse(slurp(dir + "/run.json"));
  for (const auto& v : validate_against_schema(run, run_schema_v1())) ADD_FAILURE() << v.path << ": " << v.message;
  t.cell = run["cells"][0];
  EXPECT_TRUE(t.cell.contains("trace")) << t.cell.dump();
  if (!t.cell.contains("trace")) return t;
  EXPECT_EQ(t.cell["trace"], "run.traces/" + t.cell["id"].get<std::string>() + ".json");
  t.trace = json::parse(slurp(dir + "/" + t.cell["trace"].get<std::string>()));
  auto ns = [](const json& us) { return static_cast<std::int64_t>(std::llround(us.get<double>() * 1000)); };
  for (const auto& e : t.trace["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") t.threads[e["tid"]] = e["args"]["name"];
    if (e["ph"] != "X" || e["pid"] != 1) continue;
    Range r{e["name"], e.value("cat", ""), ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["tid"]};
    if (e.contains("args") && e["args"].contains("index")) r.index = e["args"]["index"];
    t.ranges.push_back(r);
  }
  return t;
}

std::vector<const Range*> named(const TracedCell& t, const std::string& name) {
  std::vector<const Range*> out;
  for (const auto& r : t.ranges)
    if (r.name == name) out.push_back(&r);
  return out;
}

std::vector<const Range*> inside(const TracedCell& t, const Range& outer, const std::string& name) {
  std::vector<const Range*> out;
  for (const auto& r : t.ranges)
    if (r.name == name && r.tid == outer.tid && r.ts >= outer.ts && r.end <= outer.end) out.push_back(&r);
  return out;
}

// Every step holds every layer once, in order of index; the steps add up to the pass.
void expect_layers_under_steps(const TracedCell& t, const std::vector<std::string>& step_names, int steps) {
  std::vector<const Range*> all_steps;
  for (const auto& n : step_names)
    for (const Range* r : named(t, n)) all_steps.push_back(r);
  EXPECT_EQ(static_cast<int>(all_steps.size()), steps);
  std::set<double> layer_ids;
  for (const Range* l : named(t, "layer")) layer_ids.insert(l->index);
  ASSERT_GE(layer_ids.size(), 2u);
  EXPECT_EQ(*layer_ids.begin(), 0);
  EXPECT_EQ(*layer_ids.rbegin(), static_cast<double>(layer_ids.size() - 1));
  std::vector<std::int64_t> step_durations;
  for (const Range* s : all_steps) {
    std::vector<double> got;
    for (const Range* l : inside(t, *s, "layer")) got.push_back(l->index);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, std::vector<double>(layer_ids.begin(), layer_ids.end())) << s->name << " " << s->index;
    for (const char* op : {"attention", "attn_norm", "qkv_proj", "gate_up_proj", "down_proj + residual"})
      EXPECT_EQ(inside(t, *s, op).size(), layer_ids.size()) << op;
    EXPECT_EQ(inside(t, *s, "lm_head").size(), 1u);
    EXPECT_EQ(inside(t, *s, "sample").size(), 1u);
    step_durations.push_back(s->end - s->ts);
  }
  // The steps tile the pass: the time outside them (before the first, between two, after
  // the last) is small against a step. The median gap is the test, not the sum: on a shared
  // machine one gap can hold a preemption of many milliseconds, which says nothing about
  // what the engine leaves unranged.
  const auto pass = named(t, "traced pass");
  ASSERT_EQ(pass.size(), 1u);
  std::vector<const Range*> order = all_steps;
  std::sort(order.begin(), order.end(), [](const Range* a, const Range* b) { return a->ts < b->ts; });
  ASSERT_FALSE(order.empty());
  std::vector<std::int64_t> gaps = {order.front()->ts - pass[0]->ts, pass[0]->end - order.back()->end};
  for (std::size_t i = 1; i < order.size(); ++i) gaps.push_back(order[i]->ts - order[i - 1]->end);
  for (const std::int64_t g : gaps) EXPECT_GE(g, 0) << "a step outside the pass or two steps overlapping";
  auto median = [](std::vector<std::int64_t> v) {
    std::sort(v.begin(), v.end());
    return static_cast<double>(v[v.size() / 2]);
  };
  EXPECT_LT(median(gaps), 0.05 * median(step_durations));
}

TEST(TracedRun, DecodeHasEveryLayerOfEveryStepNestedUnderItsStep) {
  const TracedCell t = run_traced("traced_decode", {"-w", "decode", "-s", "simd+threads=2", "-p", "model=tiny", "-p",
                                                    "prompt_len=16", "-p", "gen_len=8"});
  // Two iterations of a prefill and seven decode steps each.
  expect_layers_under_steps(t, {"prefill", "decode step"}, 2 * 8);
  EXPECT_EQ(t.threads.size(), 2u);  // main and the pool's worker
  const json& prof = t.cell["profile"];
  EXPECT_EQ(prof["profilers"]["nvtx"], "ok");
  EXPECT_EQ(prof["iterations"], 2);
  EXPECT_TRUE(prof.contains("overhead"));
  EXPECT_GT(prof["ns_per_range"].get<double>(), 0);
  EXPECT_GT(prof["ranges"].get<double>(), 0);
  // The timed samples are the ones asked for, untraced.
  EXPECT_EQ(t.cell["samples"]["time_s"].size(), 3u);
  EXPECT_EQ(t.trace["otherData"]["cell"], t.cell["id"]);
}

TEST(TracedRun, PrefillLayersNestUnderThePrefill) {
  const TracedCell t = run_traced("traced_prefill",
                                  {"-w", "prefill", "-s", "simd+threads=2", "-p", "model=tiny", "-p", "prompt_len=32"});
  expect_layers_under_steps(t, {"prefill"}, 2);
}

TEST(TracedRun, TokenizeWithTwoThreadsShowsBothEncoding) {
  const TracedCell t = run_traced("traced_tokenize", {"-w", "tokenize", "-s", "heap+cache+threads=2", "-p",
                                                      "encoding=gpt2", "-p", "input=sample", "-p", "chunk=16"});
  std::set<std::int64_t> encoding_threads;
  for (const Range* r : named(t, "encode chunk (pre-tokenize + merge)")) encoding_threads.insert(r->tid);
  EXPECT_EQ(encoding_threads.size(), 2u);
  std::set<std::string> names;
  for (const auto& [tid, name] : t.threads) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"main", "worker 1"}));
  EXPECT_EQ(named(t, "read").size(), 2u);
  EXPECT_EQ(named(t, "gather ids (merge of thread results)").size(), 2u);
}

TEST(TracedRun, GemmShowsPackingAndCompute) {
  const TracedCell t =
      run_traced("traced_gemm", {"-w", "gemm", "-s", "blocked+simd", "-p", "m=256", "-p", "n=256", "-p", "k=256"});
  const auto gemms = named(t, "gemm");
  ASSERT_EQ(gemms.size(), 2u);
  for (const Range* g : gemms) {
    EXPECT_FALSE(inside(t, *g, "pack A").empty());
    EXPECT_FALSE(inside(t, *g, "pack B").empty());
    EXPECT_FALSE(inside(t, *g, "compute").empty());
  }
}

TEST(TracedRun, TracingChangesNeitherTheCellIdsNorTheConfiguration) {
  const std::string dir = fresh_dir("traced_ids");
  const std::vector<std::string> base = {"run", "-w",   "gemm", "-s",   "blocked",       "-p", "m=64",
                                         "-p",  "n=64", "-p",   "k=64", "--min-samples", "3",  "--max-samples",
                                         "3"};
  auto with = [&](std::vector<std::string> extra, const std::string& out) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    a.insert(a.end(), {"-o", dir + "/" + out});
    const Proc p = run_cli(a);
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return json::parse(slurp(dir + "/" + out));
  };
  const json plain = with({}, "plain.json");
  const json traced = with({"--profile", "perf,nvtx"}, "traced.json");
  EXPECT_EQ(plain["cells"][0]["id"], traced["cells"][0]["id"]);
  EXPECT_EQ(plain["run"]["config_hash"], traced["run"]["config_hash"]);
  EXPECT_FALSE(plain["cells"][0].contains("profile"));
  // perf alone writes no trace file, nvtx does.
  EXPECT_TRUE(traced["cells"][0].contains("trace"));
  EXPECT_EQ(traced["cells"][0]["profile"]["profilers"]["perf"].get<std::string>().substr(0, 2), "ok");
}

TEST(TracedRun, CountersThatCannotBeReadAreAbsentWithTheirReason) {
  const std::string dir = fresh_dir("traced_perf");
  const Proc p = run_cli({"run", "-w", "gemm", "-s", "blocked", "-p", "m=64", "-p", "n=64", "-p", "k=64",
                          "--min-samples", "3", "--max-samples", "3", "--profile", "perf", "-o", dir + "/r.json"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const json c = json::parse(slurp(dir + "/r.json"))["cells"][0];
  const json& counters = c["metrics"]["counters"];
  const json unavailable = c["profile"].value("unavailable", json::object());
  for (const char* k : {"task_clock_ms", "context_switches", "cpu_migrations", "page_faults", "cycles", "instructions",
                        "cache_misses", "branch_misses"})
    EXPECT_NE(counters.contains(k), unavailable.contains(k)) << k;  // one or the other, never both
  EXPECT_EQ(counters.contains("ipc"), counters.contains("cycles") && counters.contains("instructions"));
  EXPECT_FALSE(c.contains("trace"));  // perf draws no timeline
}

TEST(TracedRun, BadProfileRequestsAreInputErrors) {
  const std::string dir = fresh_dir("traced_bad");
  Proc p = run_cli({"run", "-w", "gemm", "--profile", "nvtx,nope", "-o", dir + "/r.json"});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("unknown profiler 'nope'"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("cupti"), std::string::npos) << p.err;  // lists the known ones
  p = run_cli({"run", "-w", "gemm", "--trace-iters", "4", "-o", dir + "/r.json"});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("--trace-iters"), std::string::npos) << p.err;
  p = run_cli({"run", "-w", "gemm", "--trace", "--trace-iters", "0", "-o", dir + "/r.json"});
  EXPECT_EQ(p.exit_code, 2);
  const std::string m = dir + "/m.json";
  {
    std::ofstream f(m);
    f << R"({"workloads": ["gemm"], "profile": {"profilers": ["nvtx", 7]}})";
  }
  p = run_cli({"run", "-m", m, "-o", dir + "/r.json"});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("profile.profilers[1]"), std::string::npos) << p.err;
  EXPECT_EQ(file_count(dir), 1);  // nothing written but the matrix file
}

TEST(TracedRun, ATraceThatCannotBeWrittenCostsNoTimedResult) {
  const std::string dir = fresh_dir("traced_unwritable");
  {
    std::ofstream f(dir + "/run.traces");  // a file where the traces' folder would go
    f << "in the way";
  }
  const Proc p = run_cli({"run", "-w", "gemm", "-s", "blocked", "-p", "m=64", "-p", "n=64", "-p", "k=64",
                          "--min-samples", "3", "--max-samples", "3", "--trace", "-o", dir + "/run.json"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const json c = json::parse(slurp(dir + "/run.json"))["cells"][0];
  EXPECT_EQ(c["status"], "ok");
  EXPECT_EQ(c["samples"]["time_s"].size(), 3u);
  EXPECT_FALSE(c.contains("trace"));
  ASSERT_TRUE(c["profile"].contains("notes")) << c["profile"].dump();
  EXPECT_EQ(c["profile"]["notes"][0].get<std::string>().rfind("trace not written: ", 0), 0u);
}

TEST(TracedRun, ListProfilersSaysWhatWorksHereAndWhy) {
  const Proc p = run_cli({"list", "profilers"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  for (const char* s : {"nvtx", "cupti", "memory", "perf", "task_clock_ms", "cycles"})
    EXPECT_NE(p.out.find(s), std::string::npos) << s;
  // Every "unavailable" comes with a reason after it.
  for (std::size_t at = p.out.find("unavailable"); at != std::string::npos; at = p.out.find("unavailable", at + 1))
    EXPECT_EQ(p.out.compare(at, 13, "unavailable: "), 0) << p.out.substr(at, 40);
}

}  // namespace
}  // namespace sb::test
