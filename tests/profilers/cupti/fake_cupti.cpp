// A stand-in libcupti for the tests (no GPU on the CI machines). It exports the entry points
// stratbench's CUPTI loader looks up, with the real header's signatures, and hands back the
// records the test queued, laid out as the installed cupti.h lays them out (the aliases of
// cupti_api.hpp), through the buffer callbacks the tracer registered. It keeps the state a
// test checks: which activity kinds are enabled, whether a subscriber is attached.
//
// The tests drive it through the fake_cupti_* functions (fake_cupti_control.hpp): queue
// records, make any entry point fail after N calls, limit the buffers (records then drop).
// Built twice: FAKE_CUPTI_WITHOUT_FLUSH leaves out cuptiActivityFlushAll (a missing symbol).
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cupti_api.hpp"
#include "fake_cupti_control.hpp"

namespace {

using namespace sb::prof::cupti;

struct Failure {
  int result = 0;
  int after = 0;  // calls that succeed before the failures start
  int calls = 0;
};

// One test at a time and no threads of its own: the callbacks run inside the tracer's calls
// (cuptiActivityFlushAll calls back into cuptiActivityGetNextRecord), so no lock here.
struct State {
  std::uint32_t version = CUPTI_API_VERSION;
  std::uint64_t timestamp = 0;
  std::map<std::string, Failure> failures;
  std::set<int> enabled;
  bool subscribed = false;
  int thread_id_type = -1;
  std::vector<std::vector<std::uint8_t>> pending;
  int buffer_limit = -1, buffers_requested = 0, buffers_completed = 0;
  std::size_t dropped = 0;
  CUpti_BuffersCallbackRequestFunc requested = nullptr;
  CUpti_BuffersCallbackCompleteFunc completed = nullptr;
};

State& st() {
  static State s;
  return s;
}

bool failing(const char* fn, CUptiResult& r) {
  const auto it = st().failures.find(fn);
  if (it == st().failures.end() || it->second.calls++ < it->second.after) return false;
  r = static_cast<CUptiResult>(it->second.result);
  return true;
}

#define FAKE_MAY_FAIL(fn)                         \
  do {                                            \
    CUptiResult injected_;                        \
    if (failing(fn, injected_)) return injected_; \
  } while (0)

std::size_t record_size(CUpti_ActivityKind k) {
  switch (k) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: return sizeof(KernelRecord);
    case CUPTI_ACTIVITY_KIND_MEMCPY: return sizeof(MemcpyRecord);
    case CUPTI_ACTIVITY_KIND_MEMSET: return sizeof(MemsetRecord);
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: return sizeof(ApiRecord);
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: return sizeof(SyncRecord);
    case CUPTI_ACTIVITY_KIND_MARKER: return sizeof(MarkerRecord);
    case CUPTI_ACTIVITY_KIND_OVERHEAD: return sizeof(OverheadRecord);
    default: return 0;
  }
}

// Records sit at 8-byte boundaries in a buffer, as CUPTI places them.
std::size_t padded(std::size_t n) { return (n + 7) / 8 * 8; }

// Hands the queued records over in as many buffers as the tracer gives and the limit allows;
// what finds no buffer is dropped and counted, as CUPTI does.
[[maybe_unused]] void deliver() {
  State& s = st();
  std::size_t i = 0;
  while (i < s.pending.size()) {
    if (!s.requested || !s.completed || (s.buffer_limit >= 0 && s.buffers_requested >= s.buffer_limit)) break;
    std::uint8_t* buf = nullptr;
    std::size_t size = 0, max_records = 0;
    s.requested(&buf, &size, &max_records);
    ++s.buffers_requested;
    if (!buf || size == 0) break;
    std::size_t used = 0;
    while (i < s.pending.size() && used + padded(s.pending[i].size()) <= size) {
      std::memcpy(buf + used, s.pending[i].data(), s.pending[i].size());
      used += padded(s.pending[i].size());
      ++i;
    }
    if (used == 0) ++s.dropped, ++i;  // a record larger than the whole buffer
    ++s.buffers_completed;
    s.completed(nullptr, 0, buf, size, used);
  }
  s.dropped += s.pending.size() - i;
  s.pending.clear();
}

}  // namespace

// ---- the CUPTI entry points ---------------------------------------------------------------

CUptiResult CUPTIAPI cuptiGetVersion(uint32_t* version) {
  *version = st().version;
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetResultString(CUptiResult result, const char** str) {
  switch (result) {
    case CUPTI_SUCCESS: *str = "CUPTI_SUCCESS"; break;
    case CUPTI_ERROR_INVALID_PARAMETER: *str = "CUPTI_ERROR_INVALID_PARAMETER"; break;
    case CUPTI_ERROR_NOT_INITIALIZED: *str = "CUPTI_ERROR_NOT_INITIALIZED"; break;
    case CUPTI_ERROR_NOT_SUPPORTED: *str = "CUPTI_ERROR_NOT_SUPPORTED"; break;
    case CUPTI_ERROR_INVALID_KIND: *str = "CUPTI_ERROR_INVALID_KIND"; break;
    case CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED: *str = "CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED"; break;
    case CUPTI_ERROR_UNKNOWN: *str = "CUPTI_ERROR_UNKNOWN"; break;
    default: return CUPTI_ERROR_INVALID_PARAMETER;
  }
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiSubscribe(CUpti_SubscriberHandle* subscriber, CUpti_CallbackFunc, void*) {
  FAKE_MAY_FAIL("cuptiSubscribe");
  if (!subscriber) return CUPTI_ERROR_INVALID_PARAMETER;
  if (st().subscribed) return CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED;
  st().subscribed = true;
  *subscriber = reinterpret_cast<CUpti_SubscriberHandle>(&st());
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiUnsubscribe(CUpti_SubscriberHandle subscriber) {
  FAKE_MAY_FAIL("cuptiUnsubscribe");
  if (!st().subscribed || subscriber != reinterpret_cast<CUpti_SubscriberHandle>(&st()))
    return CUPTI_ERROR_INVALID_PARAMETER;
  st().subscribed = false;
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityEnable(CUpti_ActivityKind kind) {
  FAKE_MAY_FAIL("cuptiActivityEnable");
  st().enabled.insert(kind);
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityDisable(CUpti_ActivityKind kind) {
  FAKE_MAY_FAIL("cuptiActivityDisable");
  st().enabled.erase(kind);
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityRegisterCallbacks(CUpti_BuffersCallbackRequestFunc requested,
                                                    CUpti_BuffersCallbackCompleteFunc completed) {
  FAKE_MAY_FAIL("cuptiActivityRegisterCallbacks");
  if (!requested || !completed) return CUPTI_ERROR_INVALID_PARAMETER;
  st().requested = requested;
  st().completed = completed;
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityGetNextRecord(uint8_t* buffer, size_t valid, CUpti_Activity** record) {
  FAKE_MAY_FAIL("cuptiActivityGetNextRecord");
  if (!buffer || !record) return CUPTI_ERROR_INVALID_PARAMETER;
  std::size_t off = 0;
  if (*record)
    off = static_cast<std::size_t>(reinterpret_cast<std::uint8_t*>(*record) - buffer) +
          padded(record_size((*record)->kind));
  if (off + sizeof(CUpti_Activity) > valid) return CUPTI_ERROR_MAX_LIMIT_REACHED;
  auto* next = reinterpret_cast<CUpti_Activity*>(buffer + off);
  const std::size_t size = record_size(next->kind);
  if (size == 0 || off + size > valid) return CUPTI_ERROR_INVALID_KIND;
  *record = next;
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityGetNumDroppedRecords(CUcontext, uint32_t, size_t* dropped) {
  FAKE_MAY_FAIL("cuptiActivityGetNumDroppedRecords");
  *dropped = st().dropped;
  st().dropped = 0;  // CUPTI resets the count when it is read
  return CUPTI_SUCCESS;
}

#ifndef FAKE_CUPTI_WITHOUT_FLUSH
CUptiResult CUPTIAPI cuptiActivityFlushAll(uint32_t) {
  FAKE_MAY_FAIL("cuptiActivityFlushAll");
  deliver();
  return CUPTI_SUCCESS;
}
#endif

CUptiResult CUPTIAPI cuptiGetTimestamp(uint64_t* timestamp) {
  FAKE_MAY_FAIL("cuptiGetTimestamp");
  *timestamp = st().timestamp;
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetCallbackName(CUpti_CallbackDomain domain, uint32_t cbid, const char** name) {
  if (domain == CUPTI_CB_DOMAIN_RUNTIME_API && cbid == CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000)
    *name = "cudaLaunchKernel_v7000";
  else if (domain == CUPTI_CB_DOMAIN_RUNTIME_API && cbid == CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_v3020)
    *name = "cudaMemcpyAsync_v3020";
  else if (domain == CUPTI_CB_DOMAIN_DRIVER_API && cbid == CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel)
    *name = "cuLaunchKernel";
  else
    return CUPTI_ERROR_INVALID_PARAMETER;
  return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiSetThreadIdType(CUpti_ActivityThreadIdType type) {
  st().thread_id_type = type;
  return CUPTI_SUCCESS;
}

// ---- the tests' controls ------------------------------------------------------------------

extern "C" {

void fake_cupti_reset() { st() = State{}; }
void fake_cupti_set_version(std::uint32_t v) { st().version = v; }
void fake_cupti_set_timestamp(std::uint64_t ts) { st().timestamp = ts; }
void fake_cupti_fail(const char* function, int result, int after_calls) {
  st().failures[function] = {result, after_calls, 0};
}
void fake_cupti_set_buffer_limit(int buffers) { st().buffer_limit = buffers; }

int fake_cupti_emit(const void* record, std::size_t size) {
  const auto kind = static_cast<const CUpti_Activity*>(record)->kind;
  if (size != record_size(kind)) return -1;
  // A kind that is not enabled produces no records, as with CUPTI.
  if (!st().enabled.count(kind)) return 0;
  const auto* p = static_cast<const std::uint8_t*>(record);
  st().pending.emplace_back(p, p + size);
  return 1;
}

int fake_cupti_enabled_count() { return static_cast<int>(st().enabled.size()); }
int fake_cupti_subscribed() { return st().subscribed ? 1 : 0; }
int fake_cupti_buffers_completed() { return st().buffers_completed; }
int fake_cupti_thread_id_type() { return st().thread_id_type; }

}  // extern "C"
