#include "stratbench/workloads/gemm_workload.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "stratbench/profilers/gpu_info.hpp"
#include "stratbench/profilers/nvtx.hpp"
#include "stratbench/workloads/cpu_features.hpp"
#include "stratbench/workloads/kernels/gemm.hpp"
#include "stratbench/workloads/thread_pool.hpp"
#if defined(STRATBENCH_HAVE_CUDA)
#include "stratbench/workloads/kernels/gemm_cuda.hpp"
#endif

namespace sb {
namespace {

// Checks of big products compare a spread of rows only: a full float64 reference of a
// 2048³ product would cost more than the measurement itself, and a wrong kernel is wrong
// on every row band it touches.
constexpr double kFullCheckLimit = 1u << 27;  // m*n*k below which every row is checked
constexpr int kSampledRows = 48;
// fp32 accumulation over k terms of values in [-1, 1] stays near 1e-7*sqrt(k) relative
// (Frobenius); a wrong tile or edge is off by O(1).
constexpr double kMaxRelError = 1e-4;

enum class Impl { naive, blocked, blas, cuda_naive, cuda_tiled, cuda_blas };

bool on_device(Impl i) { return i == Impl::cuda_naive || i == Impl::cuda_tiled || i == Impl::cuda_blas; }

class GemmInstance final : public Instance {
 public:
  GemmInstance(int m, int n, int k, Impl impl, SimdLevel simd, int threads)
      : m_(m), n_(n), k_(k), impl_(impl), threads_(threads) {
    std::mt19937 rng(12345);
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    a_.resize(static_cast<std::size_t>(m) * k);
    b_.resize(static_cast<std::size_t>(k) * n);
    c_.assign(static_cast<std::size_t>(m) * n, 0.f);
    for (auto& x : a_) x = d(rng);
    for (auto& x : b_) x = d(rng);
    pool_ = threads > 1 && impl_ != Impl::blas && !on_device(impl_) ? &shared_thread_pool(threads) : nullptr;
    if (impl_ == Impl::blocked) ws_ = std::make_unique<kernels::GemmWorkspace>(kernels::GemmOptions{simd, pool_});
    if (impl_ == Impl::blas) openblas_set_num_threads(threads);
#if defined(STRATBENCH_HAVE_CUDA)
    if (on_device(impl_)) {
      const auto ci = impl_ == Impl::cuda_naive   ? cuda::GemmCudaImpl::naive
                      : impl_ == Impl::cuda_tiled ? cuda::GemmCudaImpl::tiled
                                                  : cuda::GemmCudaImpl::cublas;
      gpu_ = std::make_unique<cuda::GemmCuda>(m, n, k, a_.data(), b_.data(), ci);
    }
#endif
  }

  bool timed_on_device() const override { return on_device(impl_); }

  double run_once_device_seconds() override {
#if defined(STRATBENCH_HAVE_CUDA)
    if (gpu_) return gpu_->run_timed();
#endif
    return Instance::run_once_device_seconds();
  }

  void run_once() override {
    SB_RANGE(prof::Category::gemm, "gemm");
    switch (impl_) {
      case Impl::naive:
        if (!pool_) {
          kernels::gemm_naive(m_, n_, k_, a_.data(), b_.data(), c_.data());
        } else {
          // Row bands, one per task: the naive loop itself, only shared out.
          const int tasks = pool_->size();
          pool_->run(tasks, [&](int t) {
            const int r0 = static_cast<int>(static_cast<long>(m_) * t / tasks);
            const int r1 = static_cast<int>(static_cast<long>(m_) * (t + 1) / tasks);
            if (r1 > r0)
              kernels::gemm_naive(r1 - r0, n_, k_, a_.data() + static_cast<std::size_t>(r0) * k_, b_.data(),
                                  c_.data() + static_cast<std::size_t>(r0) * n_);
          });
        }
        break;
      case Impl::blocked: kernels::gemm_blocked(m_, n_, k_, a_.data(), b_.data(), c_.data(), *ws_); break;
      case Impl::blas:
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m_, n_, k_, 1.f, a_.data(), k_, b_.data(), n_, 0.f,
                    c_.data(), n_);
        break;
      case Impl::cuda_naive:
      case Impl::cuda_tiled:
      case Impl::cuda_blas:
#if defined(STRATBENCH_HAVE_CUDA)
        gpu_->run();
#endif
        break;
    }
  }

  CheckResult check() override {
    std::fill(c_.begin(), c_.end(), std::nanf(""));  // stale output must not pass
    run_once();
#if defined(STRATBENCH_HAVE_CUDA)
    if (gpu_) gpu_->download_c(c_.data());
#endif
    std::vector<int> rows;
    if (static_cast<double>(m_) * n_ * k_ <= kFullCheckLimit || m_ <= kSampledRows) {
      for (int i = 0; i < m_; ++i) rows.push_back(i);
    } else {
      for (int r = 0; r < kSampledRows; ++r)
        rows.push_back(static_cast<int>(static_cast<long>(m_ - 1) * r / (kSampledRows - 1)));
    }
    double err2 = 0, ref2 = 0, max_abs = 0;
    std::vector<double> ref(n_);
    for (int i : rows) {
      std::fill(ref.begin(), ref.end(), 0.0);
      for (int p = 0; p < k_; ++p) {
        const double a = a_[static_cast<std::size_t>(i) * k_ + p];
        const float* brow = &b_[static_cast<std::size_t>(p) * n_];
        for (int j = 0; j < n_; ++j) ref[j] += a * brow[j];
      }
      for (int j = 0; j < n_; ++j) {
        const double got = c_[static_cast<std::size_t>(i) * n_ + j];
        const double e = got - ref[j];
        if (std::isnan(e))
          return {false, "output C[" + std::to_string(i) + "][" + std::to_string(j) + "] is NaN (not written)", {}};
        err2 += e * e;
        ref2 += ref[j] * ref[j];
        max_abs = std::max(max_abs, std::abs(e));
      }
    }
    CheckResult r;
    r.quality.rel_error = ref2 > 0 ? std::sqrt(err2 / ref2) : std::sqrt(err2);
    std::ostringstream os;
    os << "rel_error " << *r.quality.rel_error << " (max abs " << max_abs << ") over " << rows.size()
       << " rows against a float64 reference";
    r.ok = *r.quality.rel_error <= kMaxRelError;
    r.detail = os.str();
    return r;
  }

  double work_per_iteration() const override { return 2.0 * m_ * n_ * k_; }
  std::map<std::string, double> counters() const override {
    return {
        {"flops", work_per_iteration()},
        {"threads", on_device(impl_) ? 0.0 : static_cast<double>(threads_)},
        {"bytes", 4.0 * (static_cast<double>(m_) * k_ + static_cast<double>(k_) * n_ + static_cast<double>(m_) * n_)}};
  }

 private:
  int m_, n_, k_;
  Impl impl_;
  int threads_;
  std::vector<float> a_, b_, c_;
  ThreadPool* pool_ = nullptr;
  std::unique_ptr<kernels::GemmWorkspace> ws_;
#if defined(STRATBENCH_HAVE_CUDA)
  std::unique_ptr<cuda::GemmCuda> gpu_;
#endif
};

bool cpu_has(SimdLevel want) {
  const SimdLevel best = best_simd_level();
  if (want == SimdLevel::scalar) return true;
  if (want == SimdLevel::avx2) return best == SimdLevel::avx2 || best == SimdLevel::avx512;
  return best == SimdLevel::avx512;
}

class GemmWorkload final : public Workload {
 public:
  const WorkloadInfo& info() const override {
    static const WorkloadInfo inf {
      .name = "gemm", .description = "fp32 matrix product C = A·B (row-major A m×k, B k×n), checked against float64",
      .params = {{.name = "m", .help = "rows of A and C", .default_value = "512"},
                 {.name = "n", .help = "columns of B and C", .default_value = "512"},
                 {.name = "k", .help = "inner dimension", .default_value = "512"}},
      .knobs = {"layout", "simd", "threads", "library"},
#if defined(STRATBENCH_HAVE_CUDA)
      .devices = {"cpu", "cuda"},
#else
      .devices = {"cpu"},
#endif
      .throughput_unit = "GFLOP/s", .throughput_scale = 1e-9,
    };
    return inf;
  }

  std::string unsupported(const Strategy& s, const Params& p, const std::string& device) const override {
    if (auto r = Workload::unsupported(s, p, device); !r.empty()) return r;
    const Knobs& k = s.k;
    const bool blas = k.library == Library::blas, simd = k.simd != SimdKnob::off;
    if (device == "cuda") {
      if (simd) return "simd is a CPU knob: the cuda kernels have their own vector width";
      if (s.set_knobs.count("threads")) return "threads is a CPU knob: on cuda the grid decides";
      if (blas && k.layout != Layout::naive) return "library=blas brings its own blocking; layout does not apply";
      return prof::cuda_unavailable_reason();
    }
    if (blas && (k.layout != Layout::naive || simd))
      return "library=blas brings its own blocking and kernels; layout and simd do not apply";
    if (!blas && simd && k.layout != Layout::blocked)
      return "the gemm SIMD micro-kernel runs on packed panels: combine simd with blocked";
    if (!cpu_has(simd_level(k.simd, best_simd_level())))
      return std::string("this CPU lacks ") + to_string(k.simd) + " (it has " + to_string(best_simd_level()) + ")";
    return {};
  }

  std::unique_ptr<Instance> prepare(const Strategy& s, const Params& p, const std::string& device) const override {
    Impl impl = s.k.library == Library::blas ? Impl::blas : s.k.layout == Layout::blocked ? Impl::blocked : Impl::naive;
    if (device == "cuda")
      impl = impl == Impl::blas ? Impl::cuda_blas : impl == Impl::blocked ? Impl::cuda_tiled : Impl::cuda_naive;
    // "blas" as shipped: OpenBLAS on every core unless the strategy names a thread count.
    int threads = s.k.threads;
    if (impl == Impl::blas && !s.set_knobs.count("threads"))
      threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::make_unique<GemmInstance>(static_cast<int>(int_param(p, "m")), static_cast<int>(int_param(p, "n")),
                                          static_cast<int>(int_param(p, "k")), impl,
                                          simd_level(s.k.simd, best_simd_level()), threads);
  }
};

}  // namespace

std::unique_ptr<Workload> make_gemm_workload() { return std::make_unique<GemmWorkload>(); }

}  // namespace sb
