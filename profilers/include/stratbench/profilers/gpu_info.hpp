// What CUDA devices this process can use. Built against the CUDA runtime when the toolkit
// was found at configure time (gpu_info_cuda.cpp); otherwise gpu_info_none.cpp answers
// that this build has no CUDA support.
#pragma once

#include <string>
#include <vector>

#include "stratbench/result/result.hpp"

namespace sb::prof {

// Empty when at least one CUDA device can run work; otherwise why not (no driver, no
// device, or a build without the toolkit).
std::string cuda_unavailable_reason();
// Name, driver and runtime versions of each device; empty without devices.
std::vector<GpuInfo> gpu_inventory();

}  // namespace sb::prof
