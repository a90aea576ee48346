#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <dlfcn.h>

#include <stdexcept>
#include <string>

#include "stratbench/workloads/kernels/gemm_cuda.hpp"

namespace sb::cuda {
namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}
void check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS) throw std::runtime_error(std::string(what) + ": cuBLAS status " + std::to_string(int(s)));
}

// cuBLAS is opened when a cublas cell first needs it: linked outright, its libraries'
// relocations alone add ~150 MB to the peak RSS of every cell, CPU cells included.
struct CublasApi {
  decltype(&cublasCreate_v2) create;
  decltype(&cublasDestroy_v2) destroy;
  decltype(&cublasSetStream_v2) set_stream;
  decltype(&cublasSetMathMode) set_math_mode;
  decltype(&cublasSgemm_v2) sgemm;
};

const CublasApi& cublas() {
  static const CublasApi api = [] {
    const std::string soname = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
    void* h = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) throw std::runtime_error("cannot load " + soname + ": " + dlerror());
    auto sym = [&](const char* name) {
      void* f = dlsym(h, name);
      if (!f) throw std::runtime_error(soname + " lacks " + name);
      return f;
    };
    CublasApi a{};
    a.create = reinterpret_cast<decltype(a.create)>(sym("cublasCreate_v2"));
    a.destroy = reinterpret_cast<decltype(a.destroy)>(sym("cublasDestroy_v2"));
    a.set_stream = reinterpret_cast<decltype(a.set_stream)>(sym("cublasSetStream_v2"));
    a.set_math_mode = reinterpret_cast<decltype(a.set_math_mode)>(sym("cublasSetMathMode"));
    a.sgemm = reinterpret_cast<decltype(a.sgemm)>(sym("cublasSgemm_v2"));
    return a;
  }();
  return api;
}

__global__ void gemm_naive_kernel(int m, int n, int k, const float* __restrict__ a, const float* __restrict__ b,
                                  float* __restrict__ c) {
  const int j = blockIdx.x * blockDim.x + threadIdx.x;
  const int i = blockIdx.y * blockDim.y + threadIdx.y;
  if (i >= m || j >= n) return;
  float acc = 0.f;
  for (int p = 0; p < k; ++p) acc += a[size_t(i) * k + p] * b[size_t(p) * n + j];
  c[size_t(i) * n + j] = acc;
}

// Block tile BM×BN of C, stepping BK along k; 256 threads, each owning a TM×TN patch.
constexpr int BM = 64, BN = 64, BK = 16, TM = 4, TN = 4;

__global__ void __launch_bounds__(256) gemm_tiled_kernel(int m, int n, int k, const float* __restrict__ a,
                                                         const float* __restrict__ b, float* __restrict__ c) {
  __shared__ float as[BK][BM + 4];  // transposed A tile; the pad spreads banks
  __shared__ float bs[BK][BN];
  const int tid = threadIdx.x;
  const int tx = tid % (BN / TN), ty = tid / (BN / TN);
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  float acc[TM][TN] = {};
  for (int p0 = 0; p0 < k; p0 += BK) {
    // 64×16 floats of A and 16×64 of B per step: four of each per thread.
    for (int l = tid; l < BM * BK; l += 256) {
      const int r = l / BK, q = l % BK;
      const int gi = row0 + r, gp = p0 + q;
      as[q][r] = (gi < m && gp < k) ? a[size_t(gi) * k + gp] : 0.f;
    }
    for (int l = tid; l < BK * BN; l += 256) {
      const int q = l / BN, s = l % BN;
      const int gp = p0 + q, gj = col0 + s;
      bs[q][s] = (gp < k && gj < n) ? b[size_t(gp) * n + gj] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int q = 0; q < BK; ++q) {
      float av[TM], bv[TN];
#pragma unroll
      for (int x = 0; x < TM; ++x) av[x] = as[q][ty * TM + x];
#pragma unroll
      for (int y = 0; y < TN; ++y) bv[y] = bs[q][tx * TN + y];
#pragma unroll
      for (int x = 0; x < TM; ++x)
#pragma unroll
        for (int y = 0; y < TN; ++y) acc[x][y] += av[x] * bv[y];
    }
    __syncthreads();
  }
#pragma unroll
  for (int x = 0; x < TM; ++x) {
    const int gi = row0 + ty * TM + x;
    if (gi >= m) continue;
#pragma unroll
    for (int y = 0; y < TN; ++y) {
      const int gj = col0 + tx * TN + y;
      if (gj < n) c[size_t(gi) * n + gj] = acc[x][y];
    }
  }
}

}  // namespace

struct GemmCuda::Impl {
  int m, n, k;
  GemmCudaImpl impl;
  float *a = nullptr, *b = nullptr, *c = nullptr;
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  cublasHandle_t blas = nullptr;

  void launch() {
    switch (impl) {
      case GemmCudaImpl::naive: {
        dim3 block(16, 16), grid((n + 15) / 16, (m + 15) / 16);
        gemm_naive_kernel<<<grid, block, 0, stream>>>(m, n, k, a, b, c);
        break;
      }
      case GemmCudaImpl::tiled: {
        dim3 grid((n + BN - 1) / BN, (m + BM - 1) / BM);
        gemm_tiled_kernel<<<grid, 256, 0, stream>>>(m, n, k, a, b, c);
        break;
      }
      case GemmCudaImpl::cublas: {
        // Row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ: swap the operands, keep the data.
        const float one = 1.f, zero = 0.f;
        check(cublas().sgemm(blas, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &one, b, n, a, k, &zero, c, n), "cublasSgemm");
        break;
      }
    }
    check(cudaGetLastError(), "kernel launch");
  }
};

GemmCuda::GemmCuda(int m, int n, int k, const float* a, const float* b, GemmCudaImpl impl) : p_(new Impl{m, n, k, impl}) {
  check(cudaStreamCreate(&p_->stream), "cudaStreamCreate");
  check(cudaEventCreate(&p_->start), "cudaEventCreate");
  check(cudaEventCreate(&p_->stop), "cudaEventCreate");
  check(cudaMalloc(&p_->a, sizeof(float) * size_t(m) * k), "cudaMalloc A");
  check(cudaMalloc(&p_->b, sizeof(float) * size_t(k) * n), "cudaMalloc B");
  check(cudaMalloc(&p_->c, sizeof(float) * size_t(m) * n), "cudaMalloc C");
  check(cudaMemcpy(p_->a, a, sizeof(float) * size_t(m) * k, cudaMemcpyHostToDevice), "upload A");
  check(cudaMemcpy(p_->b, b, sizeof(float) * size_t(k) * n, cudaMemcpyHostToDevice), "upload B");
  if (impl == GemmCudaImpl::cublas) {
    check(cublas().create(&p_->blas), "cublasCreate");
    check(cublas().set_stream(p_->blas, p_->stream), "cublasSetStream");
    // Plain fp32 math: no TF32 shortcut, so the vendor reference computes what we compute.
    check(cublas().set_math_mode(p_->blas, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
  }
}

GemmCuda::~GemmCuda() {
  if (p_->blas) cublas().destroy(p_->blas);
  cudaFree(p_->a);
  cudaFree(p_->b);
  cudaFree(p_->c);
  if (p_->start) cudaEventDestroy(p_->start);
  if (p_->stop) cudaEventDestroy(p_->stop);
  if (p_->stream) cudaStreamDestroy(p_->stream);
}

void GemmCuda::run() {
  p_->launch();
  check(cudaStreamSynchronize(p_->stream), "cudaStreamSynchronize");
}

double GemmCuda::run_timed() {
  check(cudaEventRecord(p_->start, p_->stream), "cudaEventRecord");
  p_->launch();
  check(cudaEventRecord(p_->stop, p_->stream), "cudaEventRecord");
  check(cudaEventSynchronize(p_->stop), "cudaEventSynchronize");
  float ms = 0;
  check(cudaEventElapsedTime(&ms, p_->start, p_->stop), "cudaEventElapsedTime");
  return ms / 1e3;
}

void GemmCuda::download_c(float* c) const {
  check(cudaMemcpy(c, p_->c, sizeof(float) * size_t(p_->m) * p_->n, cudaMemcpyDeviceToHost), "download C");
}

}  // namespace sb::cuda
