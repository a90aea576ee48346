// OpenBLAS picks its kernels from the CPU model when it loads, and on a model it does not
// know (a VM's "Intel Xeon Processor") it falls back to Prescott's SSE3 kernels: on this
// project's 2-vCPU Xeon VM with AVX-512, a 1024^3 sgemm ran at 36 GFLOP/s instead of 210,
// which made the `blas` strategy a strawman and training 2.5x slower.
#pragma once

#include <string>

namespace sb {

// The OPENBLAS_CORETYPE this CPU supports ("SkylakeX", "Haswell") when OpenBLAS runs a
// generic fallback core and the variable is unset; empty otherwise. The variable takes
// effect only in a new process: the CLI's main re-executes itself with it.
std::string openblas_better_core();

}  // namespace sb
