// The `gemm` workload: fp32 C = A·B, parameters m, n, k. Strategies: naive, blocked,
// simd (with blocked), threads=N, blas (OpenBLAS cblas_sgemm).
#pragma once

#include <memory>

#include "stratbench/workloads/workload.hpp"

namespace sb {
std::unique_ptr<Workload> make_gemm_workload();
}
