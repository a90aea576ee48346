// A small history store built in code for the History page's tests: a change point whose
// place is known.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "stratbench/reports/history_store.hpp"
#include "stratbench/result/result.hpp"
#include "stratbench/result/stats.hpp"

namespace sb::gui::test {

inline constexpr const char* kShiftedCell = "aaaa000000000001";  // gemm blocked: +30% from kShiftAt on
inline constexpr const char* kSteadyCell = "bbbb000000000002";   // gemm naive: unchanged
inline constexpr int kHistoryRuns = 12;
inline constexpr int kShiftAt = 7;

// 40 hex digits, distinct per run, the first 8 telling runs apart: "c0000007…".
inline std::string historyCommit(int i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "c%07x%032x", i, 0xfeed + i);
  return buf;
}

// Run i: one hour after run i-1, ten samples per cell with a fixed +-1% ripple.
inline sb::RunFile historyRun(int i) {
  sb::RunFile r;
  r.run.id = "run-" + std::to_string(100 + i);
  char started[32];
  std::snprintf(started, sizeof started, "2026-03-01T%02d:00:00Z", i);
  r.run.started = r.run.finished = started;
  r.run.command = "stratbench run -w gemm";
  r.run.git = {historyCommit(i), false};
  r.run.host.cpu = "Test CPU";
  r.run.host.cores = 2;
  r.run.config_hash = "abcdef0123456789";
  for (const bool shifted : {true, false}) {
    sb::Cell c;
    c.id = shifted ? kShiftedCell : kSteadyCell;
    c.workload = "gemm";
    c.strategy = shifted ? "blocked" : "naive";
    c.params = {{"m", std::int64_t{64}}};
    c.device = "cpu";
    c.status = sb::CellStatus::ok;
    const double base = (shifted ? 0.002 : 0.010) * (shifted && i >= kShiftAt ? 1.3 : 1.0);
    std::vector<double> ms;
    for (int k = 0; k < 10; ++k) {
      c.samples["time_s"].push_back(base * (1 + 0.01 * ((i * 7 + k * 3) % 5 - 2) / 2));
      ms.push_back(c.samples["time_s"].back() * 1e3);
    }
    c.metrics.latency_ms = sb::stats::summarize(ms);
    c.metrics.throughput = sb::Throughput{1e-3 / base, "GFLOP/s"};
    c.metrics.memory.peak_rss_bytes = std::uint64_t{12} << 20;
    r.cells.push_back(std::move(c));
  }
  return r;
}

// Writes the history to a new SQLite file at `path`.
inline void writeHistory(const std::string& path) {
  const auto store = sb::open_history_store(path, sb::HistoryOpen::create);
  for (int i = 0; i < kHistoryRuns; ++i) store->add(historyRun(i), "main");
}

}  // namespace sb::gui::test
