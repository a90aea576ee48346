#include <cstddef>

#include "stratbench/workloads/kernels/gemm.hpp"

namespace sb::kernels {

void gemm_naive(int m, int n, int k, const float* A, const float* B, float* C) {
  const auto ld_a = static_cast<std::ptrdiff_t>(k);
  const auto ld_b = static_cast<std::ptrdiff_t>(n);
  for (std::ptrdiff_t i = 0; i < m; ++i) {
    for (std::ptrdiff_t j = 0; j < n; ++j) {
      // The textbook order on purpose: B is walked down a column (stride n), which is
      // exactly the cache behaviour that blocking and packing exist to fix.
      float acc = 0.0f;
      for (std::ptrdiff_t p = 0; p < k; ++p) acc += A[i * ld_a + p] * B[p * ld_b + j];
      C[i * ld_b + j] = acc;
    }
  }
}

}  // namespace sb::kernels
