#include "stratbench/workloads/llm/llm_quality.hpp"

#include <algorithm>
#include <cmath>

#include "stratbench/result/errors.hpp"

namespace sb::llm {

LogitQuality compare_logits(const std::vector<std::vector<float>>& ref, const std::vector<std::vector<float>>& got) {
  SB_CHECK(ref.size() == got.size());
  LogitQuality q;
  double e2 = 0, r2 = 0, kl = 0;
  int agree = 0;
  for (std::size_t r = 0; r < ref.size(); ++r) {
    const auto& a = ref[r];
    const auto& b = got[r];
    SB_CHECK(a.size() == b.size() && !a.empty());
    const double ma = *std::max_element(a.begin(), a.end()), mb = *std::max_element(b.begin(), b.end());
    double za = 0, zb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      e2 += (static_cast<double>(b[i]) - a[i]) * (static_cast<double>(b[i]) - a[i]);
      r2 += static_cast<double>(a[i]) * a[i];
      za += std::exp(a[i] - ma), zb += std::exp(b[i] - mb);
    }
    // KL(p||q) = sum p (log p - log q), with log-softmax computed stably.
    double k = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const double lp = a[i] - ma - std::log(za), lq = b[i] - mb - std::log(zb);
      k += std::exp(lp) * (lp - lq);
    }
    kl += k;
    agree += (std::max_element(a.begin(), a.end()) - a.begin()) == (std::max_element(b.begin(), b.end()) - b.begin());
  }
  q.rows = static_cast<int>(ref.size());
  q.rel_error = r2 > 0 ? std::sqrt(e2 / r2) : std::sqrt(e2);
  q.top1 = q.rows ? static_cast<double>(agree) / q.rows : 1;
  q.kl = q.rows ? kl / q.rows : 0;
  return q;
}

const QualityFloor& quality_floor(Precision p) {
  static const QualityFloor floors[] = {
      {1e-5},  // fp32: only summation order differs (simd, threads, fused)
      {5e-3},  // fp16
      {3e-2},  // bf16
      {0.3},   // int8 (Q8_0 weights and activations)
      {1.2},   // int4 (Q4_0 weights, Q8_0 activations): catches garbage only, see header
  };
  return floors[static_cast<int>(p)];
}

const QualityFloor& compressed_floor() {
  static const QualityFloor f{2.0};
  return f;
}

}  // namespace sb::llm
