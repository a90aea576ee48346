// Private to the CUPTI profiler: one activity-tracing session over a loaded libcupti, and the
// turning of its records into trace events. Takes the entry-point table rather than opening
// the library itself, so the tests drive it against a stand-in libcupti without a GPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cupti_api.hpp"
#include "stratbench/profilers/profiler.hpp"

namespace sb::prof::cupti {

// Records as parsed out of CUPTI's buffers. Strings are copied: the buffers go back to the
// allocator as soon as they are parsed, and kernel names live only as long as their module.
struct GpuActivity {
  enum class Kind { kernel, memcpy, memset };
  Kind kind = Kind::kernel;
  std::string name;  // the kernel's (mangled) name; empty for copies and memsets
  std::uint64_t start = 0, end = 0;
  std::uint32_t device = 0, stream = 0, correlation = 0;
  std::int32_t grid[3] = {}, block[3] = {};
  std::uint32_t registers = 0;
  std::int32_t static_shared = 0, dynamic_shared = 0;
  std::uint64_t bytes = 0;     // memcpy and memset
  std::uint8_t copy_kind = 0;  // CUpti_ActivityMemcpyKind
};

struct ApiActivity {
  bool driver = false;  // else the runtime API
  std::uint32_t cbid = 0, thread = 0, correlation = 0, result = 0;
  std::uint64_t start = 0, end = 0;
};

struct SyncActivity {
  std::uint32_t type = 0;  // CUpti_ActivitySynchronizationType
  std::uint32_t correlation = 0, stream = 0;
  std::uint64_t start = 0, end = 0;
};

struct MarkerActivity {
  std::uint32_t flags = 0;  // CUpti_ActivityFlag: instantaneous, start or end
  std::uint32_t id = 0, thread = 0;
  std::uint64_t timestamp = 0;
  std::string name, domain;  // only a start (or instantaneous) marker has them
};

// Time CUPTI itself took (buffer flushes, instrumentation): what tracing adds to the pass.
struct OverheadActivity {
  std::uint32_t kind = 0;               // CUpti_ActivityOverheadKind
  bool on_gpu = false;                  // a device, context or stream's; else a thread's
  std::uint32_t device = 0, track = 0;  // track: the stream on a GPU, else the thread id
  std::uint64_t start = 0, end = 0;
};

struct Records {
  std::vector<GpuActivity> gpu;
  std::vector<ApiActivity> api;
  std::vector<SyncActivity> sync;
  std::vector<MarkerActivity> markers;
  std::vector<OverheadActivity> overhead;
  std::uint64_t dropped = 0;  // records CUPTI had no buffer space for
  std::uint64_t buffers = 0;  // completed buffers parsed
};

// The activity kinds a session enables, in order (undone in reverse).
const std::vector<CUpti_ActivityKind>& traced_kinds();
const char* kind_name(CUpti_ActivityKind k);

class Tracer {
 public:
  // 8 MB buffers: large enough that a pass of many thousand kernels needs few buffer
  // round trips, small enough that CUPTI's handful of outstanding buffers stays modest.
  static constexpr std::size_t kDefaultBufferBytes = std::size_t{8} << 20;

  explicit Tracer(const Api& api, std::size_t buffer_bytes = kDefaultBufferBytes);
  ~Tracer();  // undoes what begin() enabled if stop() was never reached
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Subscribes, registers the buffer callbacks, enables traced_kinds() and takes the clock
  // offset. Empty on success; otherwise why not, with everything enabled so far undone.
  // CUPTI tracing is process-wide, so only one Tracer may be begun at a time.
  std::string begin();
  // Flushes, disables, unsubscribes and hands over the records. Empty on success; otherwise
  // the error that stopped tracing mid-run (the records are then dropped: they may be partial).
  std::string stop(Records& out);
  // Add to a CUPTI timestamp to get steady-clock nanoseconds (now_ns()).
  std::int64_t clock_offset_ns() const;
  const Api& api() const;

  struct Impl;  // shared with the buffer callbacks, which carry no user pointer

 private:
  std::unique_ptr<Impl> impl_;
};

// Turns a session's records into events on out.trace (when set), GPU totals per iteration,
// the dropped-record counter and a note when records were lost. Defined in cupti_profiler.cpp.
void contribute(const Api& api, const Records& r, std::int64_t offset_ns, int iterations, PassOutput& out);

}  // namespace sb::prof::cupti
