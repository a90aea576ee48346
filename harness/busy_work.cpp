#include "stratbench/harness/busy_work.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace sb {

namespace {
volatile std::uint64_t g_sink = 0;  // keeps the chain's result alive
}

void busy_work(std::uint64_t units) {
  std::uint64_t x = g_sink | 1;
  for (std::uint64_t i = 0; i < units; ++i) {
    // xorshift64: each step depends on the last, so it cannot be vectorized or skipped.
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  g_sink = x;
}

static double units_per_second() {
  static const double rate = [] {
    constexpr std::uint64_t probe = 1u << 20;
    double best = 1e30;
    for (int i = 0; i < 5; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      busy_work(probe);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return static_cast<double>(probe) / std::max(best, 1e-9);
  }();
  return rate;
}

std::uint64_t busy_units_for(double seconds) {
  if (seconds <= 0) return 0;
  return static_cast<std::uint64_t>(std::llround(seconds * units_per_second()));
}

}  // namespace sb
