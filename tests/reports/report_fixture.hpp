// A fixed results file for golden and schema tests.
#pragma once

#include "stratbench/result/result.hpp"

namespace sb::test {

inline RunFile fixture_run() {
  RunFile r;
  r.run.id = "2026-11-22T10:00:00Z-42";
  r.run.started = "2026-11-22T10:00:00Z";
  r.run.finished = "2026-11-22T10:02:00Z";
  r.run.command = "stratbench run -w gemm";
  r.run.git = {"0123456789abcdef0123456789abcdef01234567", false};
  r.run.host.cpu = "AMD EPYC";
  r.run.host.cores = 2;
  r.run.host.flags = {"avx2", "fma"};
  r.run.host.memory_bytes = 25000000000ull;
  r.run.host.os = "Debian GNU/Linux 12 (bookworm)";
  r.run.host.kernel = "Linux 6.1 x86_64";
  r.run.host.compiler = "gcc 12.2.0";
  r.run.host.build_type = "Release";
  r.run.config_hash = "abcdef0123456789";
  Cell ok;
  ok.id = "0123456789abcdef";
  ok.workload = "gemm";
  ok.strategy = "blocked+simd";
  ok.params = {{"m", std::int64_t{256}}, {"n", std::int64_t{256}}, {"k", std::int64_t{256}}};
  ok.status = CellStatus::ok;
  ok.samples["time_s"] = {0.0005, 0.0006, 0.00055};
  ok.metrics.latency_ms = Summary{0.5, 0.6, 0.55, 0.05, 0.0909, 0.55, 0.59, 0.599, 3};
  ok.metrics.throughput = Throughput{61.0, "GFLOP/s"};
  ok.metrics.memory.peak_rss_bytes = 12u << 20;
  ok.metrics.memory.alloc_count = 10;
  ok.metrics.memory.alloc_bytes = 4096;
  ok.metrics.quality.rel_error = 2e-7;
  ok.metrics.stopping = StoppingInfo{0.01, 0.02, false, 5, 100};
  r.cells.push_back(ok);
  Cell bad;
  bad.id = "fedcba9876543210";
  bad.workload = "gemm";
  bad.strategy = "naive|<script>alert(1)</script>";
  bad.params = {{"m", std::int64_t{17}}};
  bad.status = CellStatus::failed;
  bad.reason = "killed by signal 11, \"Segmentation fault\"\nlast line";
  r.cells.push_back(bad);
  return r;
}

}  // namespace sb::test
