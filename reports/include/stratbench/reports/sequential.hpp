// The interleaved gate's sequential rule: pairs are added while a cell is undecided, and
// the cell is looked at after every pair without inflating the false-alarm rate.
//
// It is the mixture sequential probability ratio test (Robbins 1970) on the pairs' log
// ratios, as Johari, Pekelis and Walsh use it for continuously monitored A/B tests
// ("Always Valid Inference", Operations Research 70(3), 2022): with a normal mixture of
// scale tau over the effect, Lambda_n = sqrt(s2 / (s2 + n tau2)) *
// exp(n^2 tau2 (mean - theta0)^2 / (2 s2 (s2 + n tau2))) is a nonnegative martingale under
// theta0, so by Ville's inequality P(Lambda_n ever >= 1/alpha) <= alpha. Inverting it
// gives a confidence sequence: an interval for the effect that holds at every look.
// The variance s2 is estimated from the pairs so far (plugged in, as they do).
#pragma once

#include <cstddef>
#include <span>

namespace sb {

enum class SequentialDecision { more, regression, fine };

struct SequentialLook {
  SequentialDecision decision = SequentialDecision::more;
  double lambda = 1;      // the mixture likelihood ratio against "no change" (theta0 = 0)
  double lo = 0, hi = 0;  // the always-valid interval of the mean log ratio
  double mean = 0, sd = 0;
};

// "Fine" (pass) needs at least this many pairs: the variance is estimated from the pairs, and
// from five of them it can be small by chance, so that a 5% slowdown under 15% noise was
// called fine in 0.85% of simulated sequences; from ten, in none of 2000 (sequential_test).
inline constexpr std::size_t kMinPairsForFine = 10;

// A look after the pairs in `d` (log candidate/baseline). Regression: lambda >= 1/alpha
// with the mean above log(min_ratio); fine: the interval's top below log(min_ratio), after
// kMinPairsForFine pairs; otherwise more. Fewer than `min_pairs` pairs: always more.
SequentialLook sequential_look(std::span<const double> d, double alpha, double min_ratio, int min_pairs = 5);

}  // namespace sb
