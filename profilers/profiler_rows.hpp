// Each profiler's two entry points, one pair per file; profiler_table.cpp lists them.
#pragma once

#include "stratbench/profilers/profiler.hpp"

namespace sb::prof {

// cupti.hpp declares these too (cupti_profiler.cpp, or cupti_none.cpp without cupti.h).
Availability cupti_availability();
std::unique_ptr<Profiler> make_cupti_profiler();

Availability nvtx_availability();
std::unique_ptr<Profiler> make_nvtx_profiler();

Availability perf_availability();
std::unique_ptr<Profiler> make_perf_profiler();

Availability memory_availability();
std::unique_ptr<Profiler> make_memory_profiler();

}  // namespace sb::prof
