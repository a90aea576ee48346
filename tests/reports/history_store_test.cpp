// The history store against both backends: Sqlite/* on a temp file, Postgres/* on the
// server that tests/reports/postgres_fixture.sh starts (STRATBENCH_TEST_PG).
#include "stratbench/reports/history_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <tuple>

#include "history_sql.hpp"
#include "report_fixture.hpp"
#include "stratbench/reports/history_detect.hpp"
#include "stratbench/reports/writer.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/host_comparability.hpp"
#include "stratbench/result/metrics_table.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/stats.hpp"

namespace sb {
namespace {

namespace fs = std::filesystem;

std::string temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "sb-history-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

std::string commit_of(int i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x%08x", i, i * 7 + 1, i * 13 + 2, i * 31 + 3, 0xc0ffee);
  return buf;
}

// Run i of a synthetic history: two cells; cell A is `scale` times slower than usual.
RunFile synthetic_run(int i, double scale, std::mt19937_64& g) {
  RunFile r = test::fixture_run();
  r.run.id = "run-" + std::to_string(100 + i);
  char started[32];
  std::snprintf(started, sizeof started, "2026-01-%02dT%02d:00:00Z", 1 + i / 24, i % 24);
  r.run.started = r.run.finished = started;
  r.run.git = {commit_of(i), false};
  r.cells.clear();
  std::normal_distribution<double> noise(0.0, 0.01);
  for (const auto& [id, strategy, base] : {std::tuple{"aaaa000000000001", "blocked+simd", 0.002 * scale},
                                           std::tuple{"bbbb000000000002", "naive", 0.010}}) {
    Cell c;
    c.id = id;
    c.workload = "gemm";
    c.strategy = strategy;
    c.params = {{"m", std::int64_t{64}}};
    c.status = CellStatus::ok;
    for (int k = 0; k < 10; ++k) c.samples["time_s"].push_back(base * (1 + noise(g)));
    c.metrics.latency_ms = stats::summarize(c.samples["time_s"]);  // seconds; unused by the series
    c.metrics.throughput = Throughput{1.0 / base, "GFLOP/s"};
    r.cells.push_back(c);
  }
  return r;
}

class HistoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      if (!history_postgres_supported())
        GTEST_SKIP() << "this build has no PostgreSQL backend (libpq was missing at configure time)";
      const char* pg = std::getenv("STRATBENCH_TEST_PG");
      if (!pg || !*pg)
        GTEST_SKIP() << "STRATBENCH_TEST_PG is not set: run through tests/reports/postgres_fixture.sh (ctest does)";
      url_ = pg;
      history::open_postgres(url_)->exec("DROP TABLE IF EXISTS samples, cells, runs, schema_version CASCADE");
    } else {
      dir_ = temp_dir();
      url_ = dir_ + "/results/history.db";  // `add` creates the missing directory
    }
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::unique_ptr<HistoryStore> store() { return open_history_store(url_); }
  // A second connection, to look at the tables behind the store's back.
  std::int64_t count(const std::string& table) {
    auto db = GetParam() == "postgres" ? history::open_postgres(url_) : history::open_sqlite(url_, false);
    return history::as_int(db->query("SELECT COUNT(*) FROM " + table, {}).at(0).at(0));
  }
  std::string write_file(const std::string& name, const std::string& text) {
    const std::string d = dir_.empty() ? (dir_ = temp_dir()) : dir_;
    std::ofstream(d + "/" + name, std::ios::binary) << text;
    return d + "/" + name;
  }

  std::string dir_, url_;
};

TEST_P(HistoryTest, AddListShowRoundTrip) {
  const RunFile run = test::fixture_run();
  const AddResult added = store()->add(run, "main");
  EXPECT_EQ(added.cells, 2u);
  EXPECT_EQ(added.samples, 3u);

  auto s = store();  // a fresh connection: nothing is served from memory
  const auto runs = s->runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id, run.run.id);
  EXPECT_EQ(runs[0].commit, run.run.git.commit);
  EXPECT_FALSE(runs[0].dirty);
  EXPECT_EQ(runs[0].branch, "main");
  EXPECT_EQ(runs[0].started, run.run.started);
  EXPECT_EQ(runs[0].config_hash, run.run.config_hash);
  EXPECT_EQ(runs[0].host_fingerprint, host_fingerprint(run.run.host));
  EXPECT_EQ(runs[0].cells, 2u);

  const auto loaded = s->load(run.run.id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(to_json(*loaded), to_json(run));
  EXPECT_EQ(format_run_table(*loaded), format_run_table(run));
  EXPECT_FALSE(s->load("no-such-run"));
}

TEST_P(HistoryTest, EverySampleIsStoredExactly) {
  RunFile run = test::fixture_run();
  std::mt19937_64 g(42);
  std::lognormal_distribution<double> d(-7, 0.5);
  std::size_t total = 0;
  // 1000 and 517 samples: every chunk size of the batched insert is exercised.
  for (auto [cell, n] : {std::pair{0, 1000}, std::pair{1, 517}}) {
    auto& v = run.cells[static_cast<std::size_t>(cell)].samples["time_s"];
    v.clear();
    for (int i = 0; i < n; ++i) v.push_back(d(g));
    total += v.size();
  }
  run.cells[0].samples["tokens_s"] = {1.0 / 3.0, 2e-300, 1e300};
  total += 3;
  EXPECT_EQ(store()->add(run, "").samples, total);
  EXPECT_EQ(count("samples"), static_cast<std::int64_t>(total));
  const auto loaded = store()->load(run.run.id);
  ASSERT_TRUE(loaded);
  for (std::size_t c = 0; c < run.cells.size(); ++c)
    EXPECT_EQ(loaded->cells[c].samples, run.cells[c].samples) << "cell " << c;  // bit-exact doubles
}

// A merged run whose shards ran on two kinds of host: each host's cells become a run of
// their own, so every series stays on one host.
TEST_P(HistoryTest, AMergedRunIsFiledPerHost) {
  RunFile run = test::fixture_run();
  HostInfo other = run.run.host;
  other.cpu = "Other CPU";
  const std::string fp_main = host_fingerprint(run.run.host), fp_other = host_fingerprint(other);
  run.run.hosts = {{fp_main, run.run.host}, {fp_other, other}};
  run.cells[0].host = fp_main;
  run.cells[1].host = fp_other;
  EXPECT_EQ(store()->add(run, "main").cells, 2u);
  auto runs = store()->runs();
  ASSERT_EQ(runs.size(), 2u);
  std::sort(runs.begin(), runs.end(), [](const StoredRun& a, const StoredRun& b) { return a.id < b.id; });
  EXPECT_EQ(runs[0].id, run.run.id);
  EXPECT_EQ(runs[0].host_fingerprint, fp_main);
  EXPECT_EQ(runs[1].id, run.run.id + "@" + fp_other);
  EXPECT_EQ(runs[1].host_fingerprint, fp_other);
  EXPECT_EQ(runs[0].cells, 1u);
  EXPECT_EQ(runs[1].cells, 1u);
}

TEST_P(HistoryTest, SameRunTwiceIsRejectedByName) {
  const RunFile run = test::fixture_run();
  store()->add(run, "main");
  try {
    store()->add(run, "main");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(run.run.id), std::string::npos) << e.what();
  }
  EXPECT_EQ(store()->runs().size(), 1u);
}

TEST_P(HistoryTest, FailureHalfwayWritesNothing) {
  RunFile run = test::fixture_run();
  run.cells.push_back(run.cells[0]);  // the third cell repeats the first id: fails on insert
  EXPECT_THROW(store()->add(run, ""), InputError);
  EXPECT_EQ(count("runs"), 0);
  EXPECT_EQ(count("cells"), 0);
  EXPECT_EQ(count("samples"), 0);
  run.cells.pop_back();
  EXPECT_NO_THROW(store()->add(run, ""));  // the id is free: nothing was left behind
}

TEST_P(HistoryTest, TruncatedOrSchemaViolatingFileWritesNothing) {
  const std::string full = to_json(test::fixture_run()).dump(2);
  const std::string truncated = write_file("truncated.json", full.substr(0, full.size() / 2));
  std::string bad_status = full;
  bad_status.replace(bad_status.find("\"ok\""), 4, "\"fine\"");
  std::string bad_time = full;
  const std::string started = "\"started\": \"2026-11-22T10:00:00Z\"";
  ASSERT_NE(bad_time.find(started), std::string::npos);
  bad_time.replace(bad_time.find(started), started.size(), "\"started\": \"yesterday\"");
  auto s = store();
  for (const auto& [path, field] : {std::pair{truncated, std::string("invalid JSON")},
                                    std::pair{write_file("status.json", bad_status), std::string("status")},
                                    std::pair{write_file("time.json", bad_time), std::string("started")}}) {
    try {
      add_results_file(*s, path, "main");
      ADD_FAILURE() << path << ": expected InputError";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(count("runs"), 0);
  EXPECT_EQ(count("samples"), 0);
  EXPECT_EQ(add_results_file(*s, write_file("good.json", full), "main").cells, 2u);
}

TEST_P(HistoryTest, SeriesFollowsStartTimeNotInsertionOrder) {
  std::mt19937_64 g(1);
  std::vector<RunFile> runs;
  for (int i = 0; i < 6; ++i) runs.push_back(synthetic_run(i, 1.0, g));
  runs[4].cells[0].status = CellStatus::failed;  // failed cells give no point
  auto s = store();
  for (int i = 5; i >= 0; --i) s->add(runs[static_cast<std::size_t>(i)], "main");
  const auto pts = s->series({"aaaa000000000001", "", "latency_ms.p50", ""});
  ASSERT_EQ(pts.size(), 5u);
  for (std::size_t k = 0; k + 1 < pts.size(); ++k) EXPECT_LT(pts[k].started, pts[k + 1].started);
  EXPECT_EQ(pts[0].commit, commit_of(0));
  EXPECT_DOUBLE_EQ(pts[0].value, stats::quantile(runs[0].cells[0].samples["time_s"], 0.5) * 1e3);
  const auto tp = s->series({"aaaa000000000001", "", "throughput.value", ""});
  ASSERT_EQ(tp.size(), 5u);
  EXPECT_DOUBLE_EQ(tp[0].value, runs[0].cells[0].metrics.throughput->value);
  EXPECT_TRUE(s->series({"aaaa000000000001", "", "latency_ms.p50", "no-such-branch"}).empty());
  EXPECT_TRUE(s->series({"aaaa000000000001", "no-such-host", "latency_ms.p50", ""}).empty());
}

TEST_P(HistoryTest, DetectNamesTheCommitOfTheStep) {
  std::mt19937_64 g(2026);
  std::vector<RunFile> runs;
  for (int i = 0; i < 50; ++i) runs.push_back(synthetic_run(i, i >= 30 ? 1.1 : 1.0, g));
  std::shuffle(runs.begin(), runs.end(), g);  // commit order comes from start times
  auto s = store();
  for (const auto& r : runs) s->add(r, "main");

  DetectOptions o;
  const DetectReport rep = detect_changes(*s, o);
  EXPECT_EQ(rep.series, 2u);
  ASSERT_EQ(rep.changes.size(), 1u) << format_detect_report(rep, o);
  const DetectedChange& c = rep.changes[0];
  EXPECT_EQ(c.series.cell_id, "aaaa000000000001");
  EXPECT_EQ(c.index, 30u);
  EXPECT_EQ(c.commit, commit_of(30));
  EXPECT_EQ(c.run_id, "run-130");
  EXPECT_NEAR(c.median_before, 2.0, 0.05);
  EXPECT_NEAR(c.relative_change, 0.10, 0.02);
  const std::string text = format_detect_report(rep, o);
  EXPECT_NE(text.find(commit_of(30)), std::string::npos) << text;
  EXPECT_NE(text.find("+10."), std::string::npos) << text;
}

TEST_P(HistoryTest, EveryLatencyStatisticOfTheMetricsTableComesFromTheRawSamples) {
  // The gate and the history once knew different statistics (4 and 8): both follow the
  // table now, and the history recomputes each from the samples, in ms.
  std::mt19937_64 g(3);
  RunFile run = synthetic_run(0, 1.0, g);
  run.cells[0].metrics.counters["flops"] = 5e8;
  auto s = store();
  s->add(run, "main");
  std::vector<double> ms;
  for (double t : run.cells[0].samples["time_s"]) ms.push_back(t * 1e3);
  const Summary want = stats::summarize(ms);
  int statistics = 0;
  for (const auto& f : metric_fields()) {
    if (!f.statistic) continue;
    ++statistics;
    const auto pts = s->series({"aaaa000000000001", "", f.path, ""});
    ASSERT_EQ(pts.size(), 1u) << f.path;
    EXPECT_DOUBLE_EQ(pts[0].value, want.*f.statistic) << f.path;
  }
  EXPECT_EQ(statistics, 8);
  const auto flops = s->series({"aaaa000000000001", "", "counters.flops", ""});
  ASSERT_EQ(flops.size(), 1u);
  EXPECT_EQ(flops[0].value, 5e8);
  EXPECT_TRUE(s->series({"aaaa000000000001", "", "memory.gpu_peak_bytes", ""}).empty());  // known, unmeasured
}

TEST_P(HistoryTest, UnknownMetricIsAnInputError) {
  store()->add(test::fixture_run(), "");
  DetectOptions o;
  o.metric = "latency_ms.p51";
  EXPECT_THROW(detect_changes(*store(), o), InputError);
  o.metric = "latency_ms..p50";
  EXPECT_THROW(detect_changes(*store(), o), InputError);
  try {
    store()->series({"aaaa000000000001", "", "latency_ms.p51", ""});
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("latency_ms.p51"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("latency_ms.max"), std::string::npos) << e.what();  // names the known ones
  }
}

INSTANTIATE_TEST_SUITE_P(Sqlite, HistoryTest, ::testing::Values("sqlite"));
INSTANTIATE_TEST_SUITE_P(Postgres, HistoryTest, ::testing::Values("postgres"));

// ---- SQLite only ----

class HistorySqlite : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = temp_dir(); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(HistorySqlite, WalModeAndForeignKeys) {
  const std::string path = dir_ + "/h.db";
  open_history_store(path)->add(test::fixture_run(), "");
  auto db = history::open_sqlite(path, false);
  EXPECT_EQ(history::as_text(db->query("PRAGMA journal_mode", {}).at(0).at(0)), "wal");
  EXPECT_EQ(history::as_int(db->query("PRAGMA foreign_keys", {}).at(0).at(0)), 1);
  EXPECT_THROW(db->query("INSERT INTO samples (cell_pk, metric, idx, value) VALUES (999, 'time_s', 0, 1.0)", {}),
               history::SqlError);
  EXPECT_EQ(history::as_int(db->query("SELECT version FROM schema_version", {}).at(0).at(0)), kHistorySchemaVersion);
}

TEST_F(HistorySqlite, OpenErrorsNameTheStore) {
  const std::string missing = dir_ + "/none.db";
  EXPECT_THROW(open_history_store(missing, HistoryOpen::existing), InputError);
  EXPECT_FALSE(fs::exists(missing));  // reading never creates a store

  const std::string junk = dir_ + "/junk.db";
  std::ofstream(junk) << "this is not a database, just some text that is long enough to have a header";
  try {
    open_history_store(junk);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(junk), std::string::npos) << e.what();
  }

  const std::string newer = dir_ + "/newer.db";
  open_history_store(newer);
  history::open_sqlite(newer, false)->query("UPDATE schema_version SET version = 99", {});
  try {
    open_history_store(newer);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST_F(HistorySqlite, PostgresUrlErrorsHideThePassword) {
  // Either no libpq in this build, or no server at that socket: an InputError both ways.
  const std::string url = "postgresql://bench:s3cret@/history?host=" + dir_ + "/no-socket";
  try {
    open_history_store(url);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
  }
  try {
    open_history_store("host=" + dir_ + " dbname=h password=s3cret");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
  }
}

TEST(HistoryFingerprint, StableAndSensitiveToWhatMatters) {
  HostInfo h = test::fixture_run().run.host;
  const std::string fp = host_fingerprint(h);
  EXPECT_EQ(fp.size(), 16u);
  HostInfo reordered = h;
  std::reverse(reordered.flags.begin(), reordered.flags.end());
  reordered.memory_bytes += 4096;  // MemTotal jitter between boots
  EXPECT_EQ(host_fingerprint(reordered), fp);
  HostInfo other = h;
  other.compiler = "clang 16";
  EXPECT_NE(host_fingerprint(other), fp);
  other = h;
  other.gpus.push_back({"NVIDIA H100", "550", "12.4"});
  EXPECT_NE(host_fingerprint(other), fp);
}

TEST(HistoryFingerprint, UnchangedForExistingStores) {
  // Fingerprints are stored in history databases: these are the values the first schema's
  // code wrote for these hosts, so existing series stay whole.
  HostInfo h = test::fixture_run().run.host;
  EXPECT_EQ(host_fingerprint(h), "859546e03cad1b2f");
  h.gpus = {{"NVIDIA H100", "550", "12.4"}, {"NVIDIA A100", "550", "12.4"}, {"NVIDIA H100", "550", "12.4"}};
  h.cpu.clear();  // an empty first field keeps its separator
  EXPECT_EQ(host_fingerprint(h), "d236c0102f918699");
}

TEST(HistoryFingerprint, EqualExactlyForComparableHosts) {
  // One rule (host_comparability.hpp): the history's series key and compare's check agree.
  const HostInfo h = test::fixture_run().run.host;
  std::vector<HostInfo> variants(8, h);
  variants[1].memory_bytes -= 100u << 20;  // MemTotal moves: still 23 GiB
  variants[2].memory_bytes += 2ull << 30;  // another machine
  std::reverse(variants[3].flags.begin(), variants[3].flags.end());
  variants[4].compiler = "clang 16";
  variants[5].gpus = {{"NVIDIA H100", "550", "12.4"}};
  variants[6].gpus = {{"NVIDIA H100", "560", "12.6"}, {"NVIDIA H100", "560", "12.6"}};  // same model set as 5
  variants[7].kernel = "Linux 6.2 x86_64";
  for (const auto& a : variants)
    for (const auto& b : variants)
      EXPECT_EQ(host_fingerprint(a) == host_fingerprint(b), comparable(a, b))
          << host_fingerprint(a) << " " << host_fingerprint(b);
  EXPECT_TRUE(comparable(h, variants[1]));
  EXPECT_TRUE(comparable(h, variants[3]));
  EXPECT_TRUE(comparable(variants[5], variants[6]));
  EXPECT_FALSE(comparable(h, variants[2]));
  EXPECT_FALSE(comparable(h, variants[4]));
  EXPECT_FALSE(comparable(h, variants[5]));
}

}  // namespace
}  // namespace sb
