#include "profiler_rows.hpp"

namespace sb::prof {

const std::vector<ProfilerInfo>& profiler_table() {
  static const std::vector<ProfilerInfo> t = {
      {"nvtx", "NVTX ranges of the workloads and the harness, recorded by stratbench itself (no Nsight needed)", true,
       nvtx_availability, make_nvtx_profiler},
      {"cupti", "CUDA kernels, copies, memsets, API calls and synchronization through CUPTI (libcupti at run time)",
       true, cupti_availability, make_cupti_profiler},
      {"memory", "resident set and allocations as counter tracks, sampled after each traced iteration", true,
       memory_availability, make_memory_profiler},
      {"perf", "CPU counters per traced iteration through perf_event_open (software and hardware)", false,
       perf_availability, make_perf_profiler},
  };
  return t;
}

const ProfilerInfo* find_profiler(const std::string& name) {
  for (const auto& p : profiler_table())
    if (name == p.name) return &p;
  return nullptr;
}

std::vector<std::string> tracing_profilers() {
  std::vector<std::string> out;
  for (const auto& p : profiler_table())
    if (p.tracing) out.emplace_back(p.name);
  return out;
}

}  // namespace sb::prof
