#include "stratbench/result/result_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "stratbench/result/errors.hpp"
#include "stratbench/result/metrics_table.hpp"

namespace sb {
namespace {

RunFile sample_run() {
  RunFile r;
  r.run.id = "run-1";
  r.run.started = "2026-11-22T10:00:00Z";
  r.run.finished = "2026-11-22T10:01:00Z";
  r.run.command = "stratbench run";
  r.run.git = {"0123456789abcdef0123456789abcdef01234567", true};
  r.run.host.cpu = "Test CPU";
  r.run.host.cores = 2;
  r.run.host.flags = {"avx2", "fma"};
  r.run.host.memory_bytes = 1ull << 34;
  r.run.host.gpus = {{"H100", "570", "13.0"}};
  Cell c;
  c.id = "00112233445566ff";
  c.workload = "gemm";
  c.strategy = "blocked+simd";
  c.params = {{"m", std::int64_t{17}}, {"path", std::string("a b")}, {"x", 0.5}};
  c.status = CellStatus::ok;
  c.samples["time_s"] = {0.1, 0.2, 0.15};
  c.metrics.latency_ms = Summary{100, 200, 150, 50, 0.33, 150, 190, 199, 3};
  c.metrics.throughput = Throughput{12.5, "GFLOP/s"};
  c.metrics.memory.peak_rss_bytes = 1234567;
  c.metrics.quality.rel_error = 1e-7;
  c.metrics.counters["flops"] = 1e9;
  c.metrics.stopping = StoppingInfo{0.01, 0.005, true, 5, 10};
  r.cells.push_back(c);
  Cell s;
  s.id = "ffeeddccbbaa9988";
  s.workload = "gemm";
  s.strategy = "simd";
  s.status = CellStatus::skipped;
  s.reason = "needs blocked";
  r.cells.push_back(s);
  return r;
}

TEST(ResultJson, RoundTripIsLossless) {
  RunFile r = sample_run();
  nlohmann::json j = to_json(r);
  RunFile back = run_from_json(j, "mem");
  EXPECT_EQ(to_json(back), j);
  EXPECT_EQ(std::get<std::string>(back.cells[0].params["path"]), "a b");
  EXPECT_EQ(std::get<std::int64_t>(back.cells[0].params["m"]), 17);
  EXPECT_EQ(back.cells[0].samples["time_s"].size(), 3u);
  EXPECT_FALSE(back.cells[1].metrics.latency_ms.has_value());  // absent stays absent
  EXPECT_FALSE(back.cells[0].metrics.memory.alloc_count.has_value());
  EXPECT_FALSE(j["cells"][1]["metrics"].contains("memory"));
}

TEST(ResultJson, AtomicWriteAndRead) {
  const std::string path = testing::TempDir() + "/rt.json";
  write_run_file_atomic(path, sample_run());
  RunFile r = read_run_file(path);
  EXPECT_EQ(r.cells.size(), 2u);
  for (const auto& e : std::filesystem::directory_iterator(testing::TempDir()))
    EXPECT_EQ(e.path().string().find("rt.json.tmp"), std::string::npos);
}

std::string error_reading(const std::string& text) {
  const std::string path = testing::TempDir() + "/bad.json";
  std::ofstream(path) << text;
  try {
    read_run_file(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ResultJson, BadFilesNameTheField) {
  const std::string good = to_json(sample_run()).dump();
  EXPECT_NE(error_reading(good.substr(0, good.size() / 2)).find("invalid JSON at byte"), std::string::npos);
  EXPECT_NE(error_reading("").find("empty"), std::string::npos);
  auto j = to_json(sample_run());
  j["cells"][0]["metrics"]["latency_ms"]["p50"] = "fast";
  EXPECT_NE(error_reading(j.dump()).find("cells[0].metrics.latency_ms.p50: expected a number"), std::string::npos);
  j = to_json(sample_run());
  j["cells"][1]["status"] = "great";
  EXPECT_NE(error_reading(j.dump()).find("cells[1].status: unknown status 'great'"), std::string::npos);
  j = to_json(sample_run());
  j["schema"] = "stratbench/run/v9";
  EXPECT_NE(error_reading(j.dump()).find("unsupported schema"), std::string::npos);
  j = to_json(sample_run());
  j["run"].erase("host");
  EXPECT_NE(error_reading(j.dump()).find("run.host: missing required field"), std::string::npos);
  j = to_json(sample_run());
  j["cells"][0]["metrics"]["memory"]["peak_rss_bytes"] = -5;
  EXPECT_NE(error_reading(j.dump()).find("peak_rss_bytes: expected a non-negative integer"), std::string::npos);
  try {
    read_run_file(testing::TempDir() + "/does-not-exist.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open"), std::string::npos);
  }
}

// ---- the metrics table (metrics_table.hpp): its paths are the JSON's ----

// A cell that measured every metric of the table, each with its own value.
Cell every_metric_cell() {
  Cell c = sample_run().cells[0];
  c.metrics.latency_ms = Summary{1, 9, 4, 2, 0.5, 3, 7, 8, 4};
  c.metrics.memory = {11u << 20, 12, 13, 14u << 20};
  c.metrics.quality = {1e-6, 0.9375, 0.002, 41.5, 0.0125};
  c.metrics.gpu = GpuMetrics{2.5, 16, 17};
  return c;
}

const nlohmann::json* at_path(const nlohmann::json& metrics, const std::string& path) {
  const nlohmann::json* j = &metrics;
  for (std::size_t start = 0;;) {
    const std::size_t dot = path.find('.', start);
    const auto it = j->find(path.substr(start, dot - start));
    if (it == j->end()) return nullptr;
    j = &*it;
    if (dot == std::string::npos) return j;
    start = dot + 1;
  }
}

TEST(MetricsTable, EveryPathIsWhereTheJsonHasItAndTheGetterAgrees) {
  const Cell c = every_metric_cell();
  const nlohmann::json metrics = to_json(c)["metrics"];
  for (const auto& f : metric_fields()) {
    if (f.family) continue;
    const nlohmann::json* j = at_path(metrics, f.path);
    ASSERT_NE(j, nullptr) << f.path;
    ASSERT_TRUE(f.get(c).has_value()) << f.path;
    EXPECT_EQ(j->get<double>(), *f.get(c)) << f.path;
    EXPECT_EQ(metric_value(c, f.path), f.get(c)) << f.path;
    if (f.statistic) {
      EXPECT_EQ((*c.metrics.latency_ms).*f.statistic, *f.get(c)) << f.path;
    }
  }
}

TEST(MetricsTable, EveryNumberTheJsonHoldsHasARow) {
  // A figure the result file carries but the table lacks would be invisible to the gate,
  // the history and the writers: the drift this table exists to prevent.
  const nlohmann::json metrics = to_json(every_metric_cell())["metrics"];
  for (const auto& [group, obj] : metrics.items()) {
    if (group == "stopping" || group == "counters") continue;  // how sampling ended; the family row
    for (const auto& [name, v] : obj.items()) {
      if (!v.is_number() || (group == "latency_ms" && name == "n")) continue;  // n: a sample count, not a metric
      EXPECT_NE(find_metric(group + "." + name), nullptr) << group << "." << name;
    }
  }
}

TEST(MetricsTable, AbsentIsNotZero) {
  Cell empty;
  for (const auto& f : metric_fields()) {
    if (!f.family) {
      EXPECT_FALSE(f.get(empty).has_value()) << f.path;
    }
  }
}

TEST(MetricsTable, PathsAndKeysAreUniqueAndRowsComplete) {
  std::set<std::string> paths, keys;
  for (const auto& f : metric_fields()) {
    EXPECT_TRUE(paths.insert(f.path).second) << f.path;
    EXPECT_TRUE(keys.insert(f.key).second) << f.key;
    EXPECT_FALSE(f.label.empty() || f.title.empty() || f.description.empty()) << f.path;
    EXPECT_EQ(f.family != nullptr, f.path.ends_with(".*")) << f.path;
    EXPECT_EQ(f.family == nullptr, static_cast<bool>(f.get)) << f.path;
    EXPECT_FALSE(f.cell_unit && !f.unit.empty()) << f.path << ": one unit, the table's or the cell's";
  }
}

TEST(MetricsTable, CountersAreAFamily) {
  const Cell c = every_metric_cell();
  ASSERT_NE(find_metric("counters.flops"), nullptr);
  EXPECT_EQ(find_metric("counters.flops")->path, "counters.*");
  EXPECT_EQ(metric_value(c, "counters.flops"), 1e9);
  EXPECT_EQ(metric_value(c, "counters.cycles"), std::nullopt);  // known name pattern, not measured
  EXPECT_EQ(find_metric("counters."), nullptr);
  EXPECT_EQ(find_metric("latency_ms.p51"), nullptr);
  EXPECT_EQ(find_metric("latency_ms"), nullptr);
  EXPECT_EQ(metric_value(c, "speed"), std::nullopt);
  EXPECT_NE(metric_paths_text().find("latency_ms.max"), std::string::npos);
  EXPECT_NE(metric_paths_text().find("counters.<name>"), std::string::npos);
}

TEST(MetricsTable, DisplayScalesAndUnits) {
  const MetricField& rss = metric_field("memory.peak_rss_bytes");
  EXPECT_EQ(display_unit(rss), "MiB");
  EXPECT_EQ(display_value(rss, 3 << 20), 3.0);
  const MetricField& cv = metric_field("latency_ms.cv");
  EXPECT_EQ(display_unit(cv), "%");
  EXPECT_EQ(display_value(cv, 0.25), 25.0);
  EXPECT_EQ(display_unit(metric_field("latency_ms.p50")), "ms");
  EXPECT_EQ(display_unit(metric_field("throughput.value")), "");  // the cell's own
  EXPECT_THROW(metric_field("latency_ms.p51"), std::logic_error);
}

}  // namespace
}  // namespace sb
