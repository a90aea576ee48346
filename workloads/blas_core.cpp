#include "stratbench/workloads/blas_core.hpp"

#include <cblas.h>

#include <cstdlib>

#include "stratbench/workloads/cpu_features.hpp"

namespace sb {

std::string openblas_better_core() {
  if (std::getenv("OPENBLAS_CORETYPE")) return {};
  const std::string core = openblas_get_corename();
  // The generic cores OpenBLAS falls back to for an unknown Intel model.
  if (core != "Prescott" && core != "Core2" && core != "Nehalem" && core != "Sandybridge") return {};
  if (simd_level_supported(SimdLevel::avx512)) return "SkylakeX";
  if (simd_level_supported(SimdLevel::avx2)) return "Haswell";
  return {};
}

}  // namespace sb
