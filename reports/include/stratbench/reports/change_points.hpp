// Change points in a series of per-commit values (one point per run, in commit order).
//
// Method: E-divisive with means — Matteson & James, "A Nonparametric Approach for Multiple
// Change Point Analysis of Multivariate Data", JASA 109 (2014) — in the form MongoDB's
// signal processing uses on CI performance history (Daly et al., "The Use of Change Point
// Detection to Identify Software Performance Regressions in a Continuous Integration
// System", ICPE 2020). Why this method: it makes no assumption about the distribution of
// benchmark noise (multi-modal, heavy-tailed), it finds shifts of any size that the noise
// allows, and its answer is a commit, not a threshold crossing.
//
//   * Divergence of a split of a segment into X (m points) and Y (n points), alpha = 1:
//       q = m n / (m + n) * ( 2/(m n) sum|x - y| - 2/(m(m-1)) sum_{i<k}|x_i - x_k|
//                                                - 2/(n(n-1)) sum_{j<l}|y_j - y_l| )
//     As in MongoDB's implementation, Y always runs to the end of its segment (the
//     original's search over the end of Y is dropped): O(n^2) per segment, no n^2 memory.
//   * Divisive: the segment whose best split has the largest q is bisected next, if that
//     split is significant; then the search repeats over all segments (hierarchical
//     bisection), and stops at the first split that is not significant.
//   * Significance: permutation test. The points of every current segment are shuffled
//     within that segment `permutations` times; p = (1 + #{max q of a shuffle >= q}) /
//     (permutations + 1). The split is accepted when p <= alpha. The shuffles come from a
//     fixed seed and a portable generator, so one series always gives one answer.
//   * Every segment keeps at least `min_size` points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sb {

struct ChangePointOptions {
  // Significance level. 0.01 rather than 0.05: a CI history runs this test per cell and
  // metric at every commit, and a false alarm costs an engineer's afternoon.
  double alpha = 0.01;
  // 199 permutations: p takes multiples of 1/200, so alpha = 0.01 can be reached (p = 0.005
  // or 0.01) at a cost that stays small for histories of hundreds of runs.
  int permutations = 199;
  // Fewest points a segment may have (>= 2: the within-segment term needs a pair). Five
  // runs keep one outlier run from becoming a segment of its own.
  std::size_t min_size = 5;
  std::uint64_t seed = 0x5eed5eed5eed5eedull;
};

struct ChangePoint {
  std::size_t index = 0;  // first point of the new segment
  double q = 0;           // divergence of the accepted split
  double p_value = 1;     // of the permutation test that accepted it
};

// Change points sorted by index; empty for a series shorter than 2 * min_size. Values must
// be finite. Requires 0 < alpha < 1, permutations >= 1, min_size >= 2 (checked).
std::vector<ChangePoint> e_divisive(std::span<const double> series, const ChangePointOptions& opt = {});

// The divergence q of splitting x at tau (X = x[0, tau), Y = x[tau, n)); exposed for
// tests of hand-computed values. Requires 2 <= tau <= n - 2.
double e_divisive_q(std::span<const double> x, std::size_t tau);

}  // namespace sb
