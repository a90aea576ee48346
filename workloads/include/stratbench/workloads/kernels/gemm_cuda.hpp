// fp32 GEMM on a CUDA device, row-major like the CPU kernels: C = A·B with A m×k, B k×n.
// Plain C++ interface; the kernels live in gemm_cuda.cu (built only with the toolkit).
// Errors (no device, out of device memory, a failed launch) throw std::runtime_error
// naming the CUDA call, so a cell records them as its failure.
#pragma once

#include <memory>

namespace sb::cuda {

enum class GemmCudaImpl {
  naive,   // one thread per element of C, operands straight from global memory
  tiled,   // 64×64 block tiles staged in shared memory, 4×4 outputs per thread in registers
  cublas,  // cublasSgemm, the vendor reference
};

class GemmCuda {
 public:
  // Allocates device buffers and uploads A and B (prepare time, untimed).
  GemmCuda(int m, int n, int k, const float* a, const float* b, GemmCudaImpl impl);
  ~GemmCuda();
  GemmCuda(const GemmCuda&) = delete;
  GemmCuda& operator=(const GemmCuda&) = delete;

  void run();                       // one product, synchronized
  double run_timed();               // one product; seconds between CUDA events around it
  void download_c(float* c) const;  // m*n floats

 private:
  struct Impl;
  std::unique_ptr<Impl> p_;
};

}  // namespace sb::cuda
