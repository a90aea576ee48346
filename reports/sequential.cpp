#include "stratbench/reports/sequential.hpp"

#include <algorithm>
#include <cmath>

#include "stratbench/result/stats.hpp"

namespace sb {

SequentialLook sequential_look(std::span<const double> d, double alpha, double min_ratio, int min_pairs) {
  SequentialLook out;
  const auto n = static_cast<double>(d.size());
  if (d.size() < 2) return out;
  out.mean = stats::mean(d);
  out.sd = stats::stddev(d);
  // A floor on the noise: identical pairs (a timer's resolution) must not divide by zero.
  const double s2 = std::max(out.sd * out.sd, 1e-8);
  // The mixture's scale: the effect the policy cares about, or the noise when that is
  // larger: a scale far below the noise leaves the interval wide for tens of pairs (a 2x
  // slowdown under 47% noise went undecided in 12). At least 1%, so a min_ratio of 1
  // still mixes over something. The simulations in sequential_test.cpp hold alpha with it.
  const double tau = std::max({std::log(min_ratio), std::sqrt(s2), 0.01});
  const double t2 = tau * tau, v = s2 + n * t2;
  out.lambda = std::sqrt(s2 / v) * std::exp(n * n * t2 * out.mean * out.mean / (2 * s2 * v));
  const double half = std::sqrt(2 * s2 * v / (n * n * t2) * (std::log(1 / alpha) + 0.5 * std::log(v / s2)));
  out.lo = out.mean - half;
  out.hi = out.mean + half;
  if (static_cast<int>(d.size()) < min_pairs) return out;
  const double floor = std::log(min_ratio);
  if (out.lambda >= 1 / alpha && out.mean > floor)
    out.decision = SequentialDecision::regression;
  else if (out.hi < floor && d.size() >= kMinPairsForFine)
    out.decision = SequentialDecision::fine;
  return out;
}

}  // namespace sb
