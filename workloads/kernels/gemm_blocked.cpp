#include <algorithm>
#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/workloads/kernels/gemm.hpp"

namespace sb::kernels {

namespace {

using std::ptrdiff_t;

// ---------------------------------------------------------------------------------------
// Scalar micro-kernel. Auto-vectorization is turned off for it so that "blocked, simd off"
// measures what cache blocking alone buys; otherwise GCC quietly turns it into SSE code and
// the simd knob would compare SSE against AVX2 instead of scalar against AVX2.
#if defined(__GNUC__) && !defined(__clang__)
#define SB_NO_AUTOVECTORIZE [[gnu::optimize("no-tree-vectorize")]]
#else
#define SB_NO_AUTOVECTORIZE
#endif

constexpr int kScalarMr = 4;
constexpr int kScalarNr = 4;

SB_NO_AUTOVECTORIZE void gemm_ukernel_scalar(int kc, const float* a, const float* b, float* c, ptrdiff_t ldc,
                                             bool accumulate) {
  // 16 accumulators: as many as x86-64 has scalar float registers, less the operands.
  float acc[kScalarMr][kScalarNr] = {};
  for (int p = 0; p < kc; ++p) {
    for (int i = 0; i < kScalarMr; ++i) {
      for (int j = 0; j < kScalarNr; ++j) acc[i][j] += a[i] * b[j];
    }
    a += kScalarMr;
    b += kScalarNr;
  }
  for (int i = 0; i < kScalarMr; ++i) {
    for (int j = 0; j < kScalarNr; ++j) {
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
    }
  }
}

// ---------------------------------------------------------------------------------------
// Packing. Both routines lay a block out in the exact order the micro-kernel reads it and
// zero-pad the ragged last sliver, so the kernel always computes a full MR×NR tile.

// mc×kc block of A (row stride lda) -> ceil(mc/MR) slivers, each kc steps of MR floats.
template <int MR>
void pack_a(int mc, int kc, const float* A, ptrdiff_t lda, float* dst) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    const float* src = A + i0 * lda;
    const int rows = std::min(MR, mc - i0);
    if (rows == MR) {
      // Four steps of p at a time: each row is read as a short contiguous run rather than
      // one float per row per step, which lets the compiler use vector loads and shuffles.
      int p = 0;
      for (; p + 4 <= kc; p += 4) {
        float block[MR][4];
        for (int i = 0; i < MR; ++i) {
          for (int q = 0; q < 4; ++q) block[i][q] = src[i * lda + p + q];
        }
        for (int q = 0; q < 4; ++q) {
          for (int i = 0; i < MR; ++i) dst[(p + q) * MR + i] = block[i][q];
        }
      }
      for (; p < kc; ++p) {
        for (int i = 0; i < MR; ++i) dst[p * MR + i] = src[i * lda + p];
      }
    } else {
      for (int p = 0; p < kc; ++p) {
        for (int i = 0; i < MR; ++i) dst[p * MR + i] = i < rows ? src[i * lda + p] : 0.0f;
      }
    }
    dst += static_cast<ptrdiff_t>(kc) * MR;
  }
}

// kc×nc block of B (row stride ldb) -> ceil(nc/NR) slivers, each kc steps of NR floats.
template <int NR>
void pack_b(int kc, int nc, const float* B, ptrdiff_t ldb, float* dst) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    const float* src = B + j0;
    const int cols = std::min(NR, nc - j0);
    if (cols == NR) {
      // A fixed-size inner loop the compiler turns into vector moves; std::copy_n would call
      // memmove for every 64-byte row.
      for (int p = 0; p < kc; ++p) {
        for (int j = 0; j < NR; ++j) dst[p * NR + j] = src[p * ldb + j];
      }
    } else {
      for (int p = 0; p < kc; ++p) {
        std::copy_n(src + p * ldb, cols, dst + p * NR);
        std::fill(dst + p * NR + cols, dst + (p + 1) * NR, 0.0f);
      }
    }
    dst += static_cast<ptrdiff_t>(kc) * NR;
  }
}

using PackA = void (*)(int mc, int kc, const float* A, ptrdiff_t lda, float* dst);
using PackB = void (*)(int kc, int nc, const float* B, ptrdiff_t ldb, float* dst);

// ---------------------------------------------------------------------------------------
// Blocking. The loop nest is BLIS's: jc (NC) > pc (KC, pack B) > ic (MC, pack A) > jr (NR)
// > ir (MR). One KC×NR sliver of packed B stays in L1 while the ir loop streams the MC×KC
// block of packed A from L2 past it; the KC×NC panel of B lives in L2/L3.
struct Blocking {
  int mr, nr;      // register tile of the micro-kernel
  int mc, kc, nc;  // cache blocks (mc a multiple of mr, nc of nr)
  detail::MicroKernel kernel;
  PackA pack_a;
  PackB pack_b;
};

template <int MR, int NR>
Blocking make_blocking(int mc, int kc, int nc, detail::MicroKernel kernel) {
  return {MR, NR, mc, kc, nc, kernel, &pack_a<MR>, &pack_b<NR>};
}

Blocking blocking_for(SimdLevel simd) {
  switch (simd) {
    case SimdLevel::scalar: return make_blocking<kScalarMr, kScalarNr>(128, 256, 4096, &gemm_ukernel_scalar);
    case SimdLevel::avx2:
      // Zen 3 / Haswell-class: 32 KiB L1d, 512 KiB-1 MiB L2. A KC×NR sliver of B is 16 KiB,
      // an MC×KC block of A 144 KiB.
      return make_blocking<detail::kAvx2Mr, detail::kAvx2Nr>(144, 256, 4080, &detail::gemm_ukernel_avx2);
    case SimdLevel::avx512:
      // Skylake-SP / Zen 4-class: 32-48 KiB L1d, 1-2 MiB L2. NR is twice as wide, so KC is
      // halved to keep the KC×NR sliver of B at 16 KiB of L1; MC doubles to keep the MC×KC
      // block of A near 144 KiB of L2.
      return make_blocking<detail::kAvx512Mr, detail::kAvx512Nr>(288, 128, 4096, &detail::gemm_ukernel_avx512);
  }
  throw std::logic_error("gemm: unknown SimdLevel");
}

// Splits `extent` into `parts` nearly equal blocks of at most `limit`, so that a size just
// over a block limit does not leave a thin, inefficient remainder block. Rounded up to a
// multiple of `quantum` (the register tile) so only the last block has a ragged edge.
int balanced_block(int extent, int limit, int quantum) {
  const int blocks = (extent + limit - 1) / limit;
  const int size = (extent + blocks - 1) / blocks;
  return std::min(limit, (size + quantum - 1) / quantum * quantum);
}

struct AlignedFree {
  void operator()(float* p) const { ::operator delete[](p, std::align_val_t{64}); }
};
using PackBuffer = std::unique_ptr<float[], AlignedFree>;

// 64-byte aligned for aligned vector loads and whole cache lines per sliver; zero-filled
// so every page is faulted in at prepare time rather than in the first timed call.
PackBuffer make_pack_buffer(std::size_t floats) {
  auto* p = static_cast<float*>(::operator new[](floats * sizeof(float), std::align_val_t{64}));
  std::fill_n(p, floats, 0.0f);
  return PackBuffer(p);
}

// A rectangle of C that one task computes.
struct Slab {
  int i0, i1, j0, j1;
};

}  // namespace

struct GemmWorkspace::Impl {
  GemmOptions options;
  Blocking blocking;
  // One pair of pack buffers per task: threads never share packed data, so they never wait
  // for each other inside a call.
  std::vector<PackBuffer> packed_a;
  std::vector<PackBuffer> packed_b;
};

namespace {

int task_count(const GemmWorkspace::Impl& ws) { return ws.options.pool != nullptr ? ws.options.pool->size() : 1; }

// Splits C into a tm×tn grid of slabs, tm*tn == tasks, choosing the grid whose slabs are
// closest to square: that minimizes what each task packs (its rows of A and columns of B)
// per FLOP. Slab edges fall on register-tile boundaries.
Slab slab_for(int task, int tasks, int m, int n, const Blocking& bk) {
  int best_tm = 1;
  double best_score = std::numeric_limits<double>::infinity();
  for (int tm = 1; tm <= tasks; ++tm) {
    if (tasks % tm != 0) continue;
    const double rows = static_cast<double>(m) / tm;
    const int tn = tasks / tm;  // exact: tm divides tasks
    const double cols = static_cast<double>(n) / tn;
    const double score = rows + cols;  // packed elements per unit of k, for a fixed area
    if (score < best_score) {
      best_score = score;
      best_tm = tm;
    }
  }
  const int tm = best_tm;
  const int tn = tasks / tm;
  const auto split = [](int extent, int quantum, int parts, int part, int& lo, int& hi) {
    const long units = (extent + quantum - 1) / quantum;
    lo = static_cast<int>(std::min<long>(extent, units * part / parts * quantum));
    hi = static_cast<int>(std::min<long>(extent, units * (part + 1) / parts * quantum));
  };
  Slab s{};
  split(m, bk.mr, tm, task / tn, s.i0, s.i1);
  split(n, bk.nr, tn, task % tn, s.j0, s.j1);
  return s;
}

void gemm_slab(const Blocking& bk, int k, int n, const float* A, const float* B, float* C, const Slab& s, float* pa,
               float* pb) {
  const ptrdiff_t lda = k;
  const ptrdiff_t ldb = n;
  const ptrdiff_t ldc = n;
  if (s.i0 >= s.i1 || s.j0 >= s.j1) return;
  const int kc_max = balanced_block(k, bk.kc, 4);
  const int mc_max = balanced_block(s.i1 - s.i0, bk.mc, bk.mr);
  alignas(64) float tile[16 * 32];  // the widest register tile, for ragged edges

  for (int jc = s.j0; jc < s.j1; jc += bk.nc) {
    const int nc = std::min(bk.nc, s.j1 - jc);
    for (int pc = 0; pc < k; pc += kc_max) {
      const int kc = std::min(kc_max, k - pc);
      const bool accumulate = pc > 0;  // the first k block overwrites C
      {
        SB_RANGE(prof::Category::gemm, "pack B");
        bk.pack_b(kc, nc, B + pc * ldb + jc, ldb, pb);
      }
      for (int ic = s.i0; ic < s.i1; ic += mc_max) {
        const int mc = std::min(mc_max, s.i1 - ic);
        {
          SB_RANGE(prof::Category::gemm, "pack A");
          bk.pack_a(mc, kc, A + ic * lda + pc, lda, pa);
        }
        SB_RANGE(prof::Category::gemm, "compute");
        for (int jr = 0; jr < nc; jr += bk.nr) {
          const int cols = std::min(bk.nr, nc - jr);
          const float* b_sliver = pb + static_cast<ptrdiff_t>(jr) * kc;
          for (int ir = 0; ir < mc; ir += bk.mr) {
            const int rows = std::min(bk.mr, mc - ir);
            const float* a_sliver = pa + static_cast<ptrdiff_t>(ir) * kc;
            float* c = C + (ic + ir) * ldc + jc + jr;
            if (rows == bk.mr && cols == bk.nr) {
              bk.kernel(kc, a_sliver, b_sliver, c, ldc, accumulate);
              continue;
            }
            // Ragged edge: full tile into scratch, then only the valid part into C.
            bk.kernel(kc, a_sliver, b_sliver, tile, bk.nr, false);
            for (int i = 0; i < rows; ++i) {
              for (int j = 0; j < cols; ++j) {
                const float v = tile[i * bk.nr + j];
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + v : v;
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace

GemmWorkspace::GemmWorkspace(const GemmOptions& options) : impl_(std::make_unique<Impl>()) {
  if (!simd_level_supported(options.simd)) {
    throw std::runtime_error(std::string("gemm_blocked: SIMD level '") + to_string(options.simd) +
                             "' is not supported by this CPU (best available: '" + to_string(best_simd_level()) + "')");
  }
  impl_->options = options;
  impl_->blocking = blocking_for(options.simd);
  const Blocking& bk = impl_->blocking;
  const int tasks = task_count(*impl_);
  for (int t = 0; t < tasks; ++t) {
    impl_->packed_a.push_back(make_pack_buffer(static_cast<std::size_t>(bk.mc) * bk.kc));
    impl_->packed_b.push_back(make_pack_buffer(static_cast<std::size_t>(bk.kc) * bk.nc));
  }
}

GemmWorkspace::~GemmWorkspace() = default;
GemmWorkspace::GemmWorkspace(GemmWorkspace&&) noexcept = default;
GemmWorkspace& GemmWorkspace::operator=(GemmWorkspace&&) noexcept = default;

const GemmOptions& GemmWorkspace::options() const { return impl_->options; }
int GemmWorkspace::mr() const { return impl_->blocking.mr; }
int GemmWorkspace::nr() const { return impl_->blocking.nr; }

void gemm_blocked(int m, int n, int k, const float* A, const float* B, float* C, GemmWorkspace& ws) {
  if (m < 0 || n < 0 || k < 0) {
    throw std::invalid_argument("gemm_blocked: negative dimension");
  }
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill_n(C, static_cast<std::size_t>(m) * n, 0.0f);
    return;
  }
  GemmWorkspace::Impl& w = *ws.impl_;
  const Blocking& bk = w.blocking;
  // Below ~2^18 multiply-adds a call takes microseconds, the cost of waking a worker.
  const double work = static_cast<double>(m) * n * k;
  const int tasks = work < 262144.0 ? 1 : task_count(w);
  const auto run_task = [&](int t) {
    SB_RANGE_INDEXED(prof::Category::gemm, "slab", t);
    gemm_slab(bk, k, n, A, B, C, slab_for(t, tasks, m, n, bk), w.packed_a[t].get(), w.packed_b[t].get());
  };
  if (tasks == 1) {
    run_task(0);
  } else {
    w.options.pool->run(tasks, run_task);
  }
}

}  // namespace sb::kernels
