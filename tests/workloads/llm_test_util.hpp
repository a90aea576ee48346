// Helpers shared by the engine's kernel tests: seeded normal data and the SIMD levels this
// CPU runs.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "stratbench/workloads/cpu_features.hpp"
#include "stratbench/workloads/llm/llm_kernels.hpp"

namespace sb::llm {

inline std::vector<float> randn(std::size_t n, std::uint64_t seed, float sd = 1.f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d(0.f, sd);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Scalar, then AVX2 and AVX-512 where the CPU has them.
inline std::vector<SimdLevel> levels() {
  std::vector<SimdLevel> l{SimdLevel::scalar};
  if (simd_level_supported(SimdLevel::avx2)) l.push_back(SimdLevel::avx2);
  if (avx512_llm_supported()) l.push_back(SimdLevel::avx512);
  return l;
}

}  // namespace sb::llm
