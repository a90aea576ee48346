// Crafted result pairs for compare and gate tests: the same matrix, with samples drawn
// from known distributions so the right verdict is known.
#pragma once

#include <random>
#include <string>

#include "report_fixture.hpp"

namespace sb::test {

inline Cell timed_cell(const std::string& id, const std::string& strategy, double scale, unsigned seed, int n = 20,
                       double noise = 0.01) {
  Cell c;
  c.id = id;
  c.workload = "gemm";
  c.strategy = strategy;
  c.params = {{"m", std::int64_t{256}}};
  c.status = CellStatus::ok;
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0, noise);
  auto& s = c.samples["time_s"];
  for (int i = 0; i < n; ++i) s.push_back(0.001 * scale * (1 + d(rng)));
  c.metrics.latency_ms = Summary{};
  c.metrics.latency_ms->p50 = 1.0 * scale;
  c.metrics.memory.peak_rss_bytes = 100u << 20;
  c.metrics.memory.alloc_count = 10;
  c.metrics.quality.rel_error = 1e-7;
  return c;
}

// base and new runs; `new_scales` multiplies each of the four cells' times in the new run.
inline std::pair<RunFile, RunFile> crafted_pair(double s0, double s1, double s2, double s3) {
  RunFile base = fixture_run(), next = fixture_run();
  base.cells.clear();
  next.cells.clear();
  const double scales[] = {s0, s1, s2, s3};
  const char* names[] = {"naive", "blocked", "blocked+simd", "blas"};
  for (int i = 0; i < 4; ++i) {
    const std::string id = "00000000000000a" + std::to_string(i);
    base.cells.push_back(timed_cell(id, names[i], 1.0, 100 + i));
    next.cells.push_back(timed_cell(id, names[i], scales[i], 200 + i));
  }
  return {base, next};
}

}  // namespace sb::test
