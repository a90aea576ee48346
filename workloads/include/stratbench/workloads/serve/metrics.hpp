// The server's request latencies and the Prometheus text of /metrics.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>

#include "stratbench/workloads/serve/scheduler.hpp"

namespace sb::serve {

// A Prometheus histogram of seconds with fixed buckets (5 ms .. 60 s), thread-safe.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                     1,     2.5,  5,     10,   20,  40,   60};
  void observe(double seconds);
  // The metric's lines: _bucket{le=...}, _sum, _count.
  std::string text(const std::string& name, const std::string& help) const;

 private:
  mutable std::mutex mu_;
  std::array<std::uint64_t, kBounds.size()> counts_{};
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

struct ServerMetrics {
  Histogram ttft, e2e, tpot;
  std::mutex mu;
  std::uint64_t bad_requests = 0, too_large = 0, http_rejected = 0;
  // For tokens/s over the interval since the previous scrape.
  double last_scrape_s = -1;
  std::uint64_t last_generated = 0;
};

// The /metrics body: scheduler gauges and counters, the HTTP counters and the histograms.
// now_s is the server's monotonic clock in seconds.
std::string prometheus_text(const SchedulerStats& s, ServerMetrics& m, double now_s);

}  // namespace sb::serve
