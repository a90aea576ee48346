// The trace of one traced pass, as plain data: what the profilers contribute and what
// trace_file.cpp writes as Chrome Trace Event JSON (Perfetto UI, chrome://tracing and
// speedscope open it). Times are nanoseconds of the steady clock (CLOCK_MONOTONIC)
// relative to `base_ns`, so a double in the file keeps every nanosecond of a long pass.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sb::prof {

// The process ids of the file's tracks: the cell's CPU threads, then one pseudo-process
// per GPU (its streams are its threads), so Perfetto groups them apart.
constexpr int kCpuPid = 1;
constexpr int kGpuPidBase = 100;  // GPU device d is pid kGpuPidBase + d

enum class EventKind {
  complete,     // a range: ts + dur ("X")
  instant,      // a mark ("i")
  counter,      // a counter sample: value in num_args ("C")
  async_begin,  // a start/end range that may end on another thread ("b"/"e" with id)
  async_end,
  flow_start,  // a flow arrow from a launch ("s") ...
  flow_end,    // ... to its kernel ("f", bound to the enclosing slice)
};

struct TraceEvent {
  EventKind kind = EventKind::complete;
  std::string name;
  std::string category;  // "gemm", "llm", "tokenizer", "harness", "kernel", "memcpy", ...
  std::int64_t ts_ns = 0;
  std::int64_t dur_ns = 0;  // complete events only
  int pid = kCpuPid;
  std::int64_t tid = 0;
  std::uint64_t id = 0;  // async and flow events: pairs the two ends
  std::vector<std::pair<std::string, double>> num_args;
  std::vector<std::pair<std::string, std::string>> str_args;
};

struct TraceTrack {
  int pid = kCpuPid;
  std::int64_t tid = 0;
  std::string name;    // "main", "worker 1", "stream 7"
  int sort_index = 0;  // order of the tracks in a viewer
};

struct Trace {
  std::int64_t base_ns = 0;                            // steady clock at the start of the pass
  std::vector<std::pair<int, std::string>> processes;  // pid -> name
  std::vector<TraceTrack> tracks;
  std::vector<TraceEvent> events;
  // Written as the file's "otherData": cell id, workload, strategy, params, commit, host,
  // profilers and their state, iterations of the pass.
  std::vector<std::pair<std::string, std::string>> metadata;
};

// Steady-clock nanoseconds, the clock every profiler stamps with.
std::int64_t now_ns();

}  // namespace sb::prof
