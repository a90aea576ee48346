#pragma once

#include <cstddef>
#include <memory>

#include "stratbench/workloads/cpu_features.hpp"
#include "stratbench/workloads/thread_pool.hpp"

// Single-precision GEMM kernels, row-major throughout: A is m×k, B is k×n, C is m×n, and
// every call computes C = A·B, overwriting C (its old contents are never read, so garbage
// or NaN in C does not leak into the result).
namespace sb::kernels {

// The plain i-j-p triple loop with a float accumulator: the honest baseline that every
// other strategy is measured against. Not blocked, not parallel; the compiler may not
// vectorize the reduction (no -ffast-math), so it is scalar too.
void gemm_naive(int m, int n, int k, const float* A, const float* B, float* C);

struct GemmOptions {
  // Which micro-kernel runs. Requesting a level the CPU lacks is an error, not a silent
  // fallback, so that a result labelled "avx512" was really computed with it; callers who
  // want "the best there is" pass best_simd_level().
  SimdLevel simd = SimdLevel::scalar;
  // Workers to split the work across; nullptr or a pool of size 1 means single-threaded.
  // The pool must outlive the workspace.
  ThreadPool* pool = nullptr;
};

// Packing buffers and the chosen blocking for gemm_blocked. Built once at prepare time:
// it allocates, and touches every page of, its buffers, so that the timed calls allocate
// nothing and take no page faults. Its size does not depend on m, n, k (the buffers hold
// one cache block each). One workspace must not be used by two calls at the same time.
class GemmWorkspace {
 public:
  // Throws std::runtime_error when options.simd is not supported by this CPU.
  explicit GemmWorkspace(const GemmOptions& options);
  ~GemmWorkspace();
  GemmWorkspace(GemmWorkspace&&) noexcept;
  GemmWorkspace& operator=(GemmWorkspace&&) noexcept;

  const GemmOptions& options() const;
  // The micro-tile (register block) the chosen kernel computes, for reports.
  int mr() const;
  int nr() const;

  struct Impl;

 private:
  friend void gemm_blocked(int, int, int, const float*, const float*, float*, GemmWorkspace&);
  std::unique_ptr<Impl> impl_;
};

// Goto/BLIS-style GEMM: NC×KC panels of B and MC×KC blocks of A are packed into contiguous
// buffers sized for L3 and L2, and an MR×NR register-tile micro-kernel streams through
// them. Threads of the workspace's pool each take a slab of C; products below about 2^18
// multiply-adds run on the calling thread alone, since waking a worker would cost more.
// m, n, k >= 0 (std::invalid_argument otherwise); C must not overlap A or B.
void gemm_blocked(int m, int n, int k, const float* A, const float* B, float* C, GemmWorkspace& ws);

namespace detail {

// A micro-kernel computes one MR×NR tile of C from packed panels:
//   a: kc steps of MR floats (column p of the A sliver), 64-byte aligned;
//   b: kc steps of NR floats (row p of the B sliver), 64-byte aligned;
//   c: row-major tile with row stride ldc; C = a·b when !accumulate, else C += a·b.
// Panels are zero-padded to full MR and NR, so kernels never handle edges themselves.
using MicroKernel = void (*)(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate);

// Defined in gemm_ukernel_avx2.cpp, built with -mavx2 -mfma; call only when the CPU has both.
inline constexpr int kAvx2Mr = 6;
inline constexpr int kAvx2Nr = 16;
void gemm_ukernel_avx2(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate);

// Defined in gemm_ukernel_avx512.cpp, built with -mavx512f; call only when the CPU has it.
inline constexpr int kAvx512Mr = 6;
inline constexpr int kAvx512Nr = 32;
void gemm_ukernel_avx512(int kc, const float* a, const float* b, float* c, std::ptrdiff_t ldc, bool accumulate);

}  // namespace detail
}  // namespace sb::kernels
