// The build without the CUDA toolkit: there is nothing to ask.
#include "stratbench/profilers/gpu_info.hpp"

namespace sb::prof {
std::string cuda_unavailable_reason() { return "this build has no CUDA support (configured without the CUDA toolkit)"; }
std::vector<GpuInfo> gpu_inventory() { return {}; }
}  // namespace sb::prof
