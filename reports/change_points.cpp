#include "stratbench/reports/change_points.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "stratbench/result/errors.hpp"

namespace sb {
namespace {

struct Split {
  std::size_t tau = 0;  // absolute index of the first point of Y
  double q = -std::numeric_limits<double>::infinity();
};

double q_of(double between, double within_x, double within_y, std::size_t m, std::size_t n) {
  const double dm = static_cast<double>(m), dn = static_cast<double>(n);
  const double e = 2 * between / (dm * dn) - 2 * within_x / (dm * (dm - 1)) - 2 * within_y / (dn * (dn - 1));
  return dm * dn / (dm + dn) * e;
}

// Best split of x[s, e) with both parts >= min_size. Sums of distances are updated as tau
// moves right: within-X gains the distances of x[tau] to X, within-Y loses those of x[tau]
// to the rest of Y, and between = total - within-X - within-Y. O(len^2), O(len) memory.
Split best_split(std::span<const double> x, std::size_t s, std::size_t e, std::size_t min_size) {
  Split best;
  if (e - s < 2 * min_size) return best;
  const std::size_t len = e - s;
  std::vector<double> to_left(len, 0.0), to_right(len, 0.0);  // row sums over earlier / later points
  double total = 0;
  for (std::size_t i = 0; i < len; ++i)
    for (std::size_t k = i + 1; k < len; ++k) {
      const double d = std::abs(x[s + i] - x[s + k]);
      to_right[i] += d;
      to_left[k] += d;
      total += d;
    }
  double within_x = 0, within_y = total;
  for (std::size_t m = 1; m < len; ++m) {  // X = first m points
    within_x += to_left[m - 1];
    within_y -= to_right[m - 1];
    const std::size_t n = len - m;
    if (m < min_size || n < min_size) continue;
    const double q = q_of(total - within_x - within_y, within_x, within_y, m, n);
    if (q > best.q) best = {s + m, q};
  }
  return best;
}

struct Best {
  std::size_t segment = 0;
  Split split;
};

Best best_over(std::span<const double> x, const std::vector<std::size_t>& bounds, std::size_t min_size) {
  Best b;
  for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
    const Split sp = best_split(x, bounds[i], bounds[i + 1], min_size);
    if (sp.q > b.split.q) b = {i, sp};
  }
  return b;
}

// Uniform in [0, n) without modulo bias. std::uniform_int_distribution is avoided on
// purpose: its algorithm differs between standard libraries, and results must not.
std::uint64_t uniform_below(std::mt19937_64& g, std::uint64_t n) {
  const std::uint64_t reject_below = (0 - n) % n;  // 2^64 mod n
  std::uint64_t v = g();
  while (v < reject_below) v = g();
  return v % n;
}

void shuffle_segment(std::vector<double>& v, std::size_t s, std::size_t e, std::mt19937_64& g) {
  for (std::size_t i = e - s; i > 1; --i) std::swap(v[s + i - 1], v[s + uniform_below(g, i)]);
}

double permutation_p(std::span<const double> x, const std::vector<std::size_t>& bounds, double observed,
                     const ChangePointOptions& opt, std::mt19937_64& g) {
  std::vector<double> y(x.begin(), x.end());
  int at_least = 0;
  for (int r = 0; r < opt.permutations; ++r) {
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i) shuffle_segment(y, bounds[i], bounds[i + 1], g);
    if (best_over(y, bounds, opt.min_size).split.q >= observed) ++at_least;
  }
  return (1.0 + at_least) / (opt.permutations + 1.0);
}

}  // namespace

double e_divisive_q(std::span<const double> x, std::size_t tau) {
  SB_CHECK(tau >= 2 && tau + 2 <= x.size());
  double between = 0, within_x = 0, within_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t k = i + 1; k < x.size(); ++k) {
      const double d = std::abs(x[i] - x[k]);
      (k < tau ? within_x : i >= tau ? within_y : between) += d;
    }
  return q_of(between, within_x, within_y, tau, x.size() - tau);
}

std::vector<ChangePoint> e_divisive(std::span<const double> series, const ChangePointOptions& opt) {
  SB_CHECK(opt.alpha > 0 && opt.alpha < 1);
  SB_CHECK(opt.permutations >= 1);
  SB_CHECK(opt.min_size >= 2);
  for (double v : series) SB_CHECK(std::isfinite(v));

  std::mt19937_64 g(opt.seed);
  std::vector<std::size_t> bounds = {0, series.size()};  // segment i is [bounds[i], bounds[i+1])
  std::vector<ChangePoint> out;
  for (;;) {
    const Best b = best_over(series, bounds, opt.min_size);
    if (!std::isfinite(b.split.q)) break;  // no segment long enough to split
    const double p = permutation_p(series, bounds, b.split.q, opt, g);
    if (p > opt.alpha) break;
    out.push_back({b.split.tau, b.split.q, p});
    bounds.insert(bounds.begin() + static_cast<std::ptrdiff_t>(b.segment) + 1, b.split.tau);
  }
  std::sort(out.begin(), out.end(), [](const ChangePoint& a, const ChangePoint& c) { return a.index < c.index; });
  return out;
}

}  // namespace sb
