// stratbench's own NVTX tool: it receives every push/pop, start/end range, mark, domain,
// category, registered string and thread name of this process, stamped with the steady
// clock per thread, so CPU-only runs get timelines without Nsight.
//
// It attaches through NVTX v3's static injection (InitializeInjectionNvtx2_fnptr). NVTX
// allows one tool: a tool named in NVTX_INJECTION64_PATH (Nsight Systems, a CUPTI-based
// profiler) takes precedence, and then this recorder receives nothing and says so.
// While not collecting, a callback is a relaxed atomic load and a thread-local counter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stratbench/profilers/trace.hpp"

namespace sb::prof {

// Empty when the recorder is this process's NVTX tool; otherwise why not (built without
// NVTX, or another tool is attached). Initializes NVTX if nothing has yet.
std::string nvtx_recorder_unavailable_reason();

// Clears what earlier passes left and starts collecting.
void nvtx_recorder_start();

struct NvtxCollected {
  std::vector<TraceEvent> events;  // pid kCpuPid, tid the OS thread id; ts relative to base_ns
  std::vector<TraceTrack> tracks;  // every thread that recorded, named
  std::uint64_t ranges = 0;        // ranges closed while collecting
  std::uint64_t unclosed = 0;      // pushed while collecting, not popped by the stop
};
// Stops collecting and hands over everything recorded since the start.
NvtxCollected nvtx_recorder_stop(std::int64_t base_ns);

}  // namespace sb::prof
