// CUPTI activity tracing: kernels, copies, memsets, CUDA runtime and driver calls,
// synchronizations and NVTX markers of the traced pass, with flows from each launch to its
// kernel, GPU totals (GpuMetrics) and the count of records CUPTI dropped.
//
// libcupti is opened at run time (never linked): $STRATBENCH_CUPTI_LIBRARY when set, else
// libcupti.so.<major>, libcupti.so, then the CUDA toolkit's library directory found at
// configure time. Whatever fails (no library, an old one, no driver or GPU, another CUPTI
// client such as Nsight, an error mid-run) makes the profiler unavailable for the pass with
// the reason, and the run goes on.
#pragma once

#include <memory>

#include "stratbench/profilers/profiler.hpp"

namespace sb::prof {

// Whether a CUDA device is usable and a libcupti this build can read is found. Cheap and
// without side effects on CUPTI: another client attached is only found out by begin().
Availability cupti_availability();
std::unique_ptr<Profiler> make_cupti_profiler();

}  // namespace sb::prof
