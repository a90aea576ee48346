// One CUPTI activity-tracing session. CUPTI fills buffers we hand it and gives each back
// through a callback, possibly on a thread of its own; the callback parses the buffer at once
// (copying what it keeps) so at most a few buffers are ever alive.
//
// Every failure undoes what was done so far, in reverse (disable each kind enabled, then
// unsubscribe), as XLA's CUPTI error manager does: a half-enabled CUPTI would keep adding cost
// to the timed passes that follow, and would refuse the next cell's subscription.
#include "cupti_tracer.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>

#include "stratbench/profilers/trace.hpp"

namespace sb::prof::cupti {

// Everything the buffer callbacks reach: they carry no user pointer, so the session they feed
// is found through g_active.
struct Tracer::Impl {
  Api api;
  std::size_t buffer_bytes = 0;
  bool begun = false, subscribed = false;
  CUpti_SubscriberHandle subscriber{};
  std::vector<CUpti_ActivityKind> enabled;
  std::int64_t offset_ns = 0;
  Records records;    // guarded by g_mu while the session is active
  std::string error;  // the first error met inside a callback; guarded by g_mu

  std::string undo();
};

namespace {

std::mutex g_mu;
Tracer::Impl* g_active = nullptr;  // the begun session, if any
std::atomic<std::size_t> g_buffer_bytes{Tracer::kDefaultBufferBytes};

// CUPTI requires activity buffers aligned to 8 bytes (ACTIVITY_RECORD_ALIGNMENT in its samples).
constexpr std::size_t kAlign = 8;

void add_record(Records& out, const CUpti_Activity* rec) {
  switch (rec->kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
      const auto& k = *reinterpret_cast<const KernelRecord*>(rec);
      GpuActivity g;
      g.kind = GpuActivity::Kind::kernel;
      g.name = k.name ? k.name : "";
      g.start = k.start, g.end = k.end;
      g.device = k.deviceId, g.stream = k.streamId, g.correlation = k.correlationId;
      g.grid[0] = k.gridX, g.grid[1] = k.gridY, g.grid[2] = k.gridZ;
      g.block[0] = k.blockX, g.block[1] = k.blockY, g.block[2] = k.blockZ;
      g.registers = k.registersPerThread;
      g.static_shared = k.staticSharedMemory, g.dynamic_shared = k.dynamicSharedMemory;
      out.gpu.push_back(std::move(g));
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY: {
      const auto& m = *reinterpret_cast<const MemcpyRecord*>(rec);
      GpuActivity g;
      g.kind = GpuActivity::Kind::memcpy;
      g.start = m.start, g.end = m.end;
      g.device = m.deviceId, g.stream = m.streamId, g.correlation = m.correlationId;
      g.bytes = m.bytes, g.copy_kind = m.copyKind;
      out.gpu.push_back(std::move(g));
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMSET: {
      const auto& m = *reinterpret_cast<const MemsetRecord*>(rec);
      GpuActivity g;
      g.kind = GpuActivity::Kind::memset;
      g.start = m.start, g.end = m.end;
      g.device = m.deviceId, g.stream = m.streamId, g.correlation = m.correlationId;
      g.bytes = m.bytes;
      out.gpu.push_back(std::move(g));
      break;
    }
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: {
      const auto& a = *reinterpret_cast<const ApiRecord*>(rec);
      out.api.push_back({rec->kind == CUPTI_ACTIVITY_KIND_DRIVER, a.cbid, a.threadId, a.correlationId, a.returnValue,
                         a.start, a.end});
      break;
    }
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: {
      const auto& s = *reinterpret_cast<const SyncRecord*>(rec);
      out.sync.push_back({static_cast<std::uint32_t>(s.type), s.correlationId, s.streamId, s.start, s.end});
      break;
    }
    case CUPTI_ACTIVITY_KIND_MARKER: {
      const auto& m = *reinterpret_cast<const MarkerRecord*>(rec);
      MarkerActivity o;
      o.flags = static_cast<std::uint32_t>(m.flags);
      o.id = m.id;
      o.timestamp = m.timestamp;
      const bool on_thread =
          m.objectKind == CUPTI_ACTIVITY_OBJECT_THREAD || m.objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS;
      o.thread = on_thread ? m.objectId.pt.threadId : 0;
      o.name = m.name ? m.name : "";
      o.domain = m.domain ? m.domain : "";
      out.markers.push_back(std::move(o));
      break;
    }
    case CUPTI_ACTIVITY_KIND_OVERHEAD: {
      const auto& o = *reinterpret_cast<const OverheadRecord*>(rec);
      OverheadActivity a;
      a.kind = static_cast<std::uint32_t>(o.overheadKind);
      a.on_gpu = o.objectKind == CUPTI_ACTIVITY_OBJECT_DEVICE || o.objectKind == CUPTI_ACTIVITY_OBJECT_CONTEXT ||
                 o.objectKind == CUPTI_ACTIVITY_OBJECT_STREAM;
      a.device = a.on_gpu ? o.objectId.dcs.deviceId : 0;
      a.track = a.on_gpu ? o.objectId.dcs.streamId : o.objectId.pt.threadId;
      a.start = o.start, a.end = o.end;
      out.overhead.push_back(a);
      break;
    }
    default: break;  // kinds we did not enable (CUPTI adds some on its own); nothing to show
  }
}

// Called with g_mu held.
void parse_buffer(Tracer::Impl& s, CUcontext ctx, std::uint32_t stream, std::uint8_t* buffer, std::size_t valid) {
  ++s.records.buffers;
  CUpti_Activity* rec = nullptr;
  for (;;) {
    const CUptiResult r = s.api.ActivityGetNextRecord(buffer, valid, &rec);
    if (r == CUPTI_ERROR_MAX_LIMIT_REACHED) break;  // the end of the buffer, not an error
    if (r != CUPTI_SUCCESS) {
      if (s.error.empty()) s.error = "cuptiActivityGetNextRecord failed: " + result_text(s.api, r);
      break;
    }
    add_record(s.records, rec);
  }
  // Counted per buffer as CUPTI's own samples do: the count of this context and stream resets
  // when read, so reading it here loses nothing between buffers.
  std::size_t dropped = 0;
  if (const CUptiResult r = s.api.ActivityGetNumDroppedRecords(ctx, stream, &dropped); r != CUPTI_SUCCESS) {
    if (s.error.empty()) s.error = "cuptiActivityGetNumDroppedRecords failed: " + result_text(s.api, r);
  }
  s.records.dropped += dropped;
}

void CUPTIAPI buffer_requested(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
  const std::size_t bytes = g_buffer_bytes.load();
  *buffer = static_cast<std::uint8_t*>(std::aligned_alloc(kAlign, bytes));
  // A zero size tells CUPTI there is no buffer: it drops records and counts them.
  *size = *buffer ? bytes : 0;
  *max_records = 0;  // as many as fit
}

void CUPTIAPI buffer_completed(CUcontext ctx, std::uint32_t stream, std::uint8_t* buffer, std::size_t /*size*/,
                               std::size_t valid) {
  {
    std::lock_guard lock(g_mu);
    // A buffer that arrives after the session stopped (CUPTI flushes late) is only freed.
    if (g_active && buffer) parse_buffer(*g_active, ctx, stream, buffer, valid);
  }
  std::free(buffer);
}

// Activity tracing needs a subscriber (it is how CUPTI knows a client is attached), but we
// enable no callbacks, so this is never called.
void CUPTIAPI ignore_callback(void*, CUpti_CallbackDomain, CUpti_CallbackId, const void*) {}

std::string subscribe_reason(const Api& api, CUptiResult r) {
  std::string code = "cuptiSubscribe: " + result_text(api, r);
  switch (r) {
    case CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED:
      return "another CUPTI client (Nsight?) is attached (" + code + ")";
    case CUPTI_ERROR_NOT_INITIALIZED:
    case CUPTI_ERROR_UNKNOWN:
      // What CUPTI says when it finds no libcuda or no device to attach to.
      return "CUPTI could not attach to a CUDA driver (no driver or no GPU?) (" + code + ")";
    default: return code;
  }
}

}  // namespace

const std::vector<CUpti_ActivityKind>& traced_kinds() {
  static const std::vector<CUpti_ActivityKind> k = {
      CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL,
      CUPTI_ACTIVITY_KIND_MEMCPY,
      CUPTI_ACTIVITY_KIND_MEMSET,
      CUPTI_ACTIVITY_KIND_RUNTIME,
      CUPTI_ACTIVITY_KIND_DRIVER,
      CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,
      CUPTI_ACTIVITY_KIND_MARKER,
      CUPTI_ACTIVITY_KIND_OVERHEAD,
  };
  return k;
}

const char* kind_name(CUpti_ActivityKind k) {
  switch (k) {
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: return "CONCURRENT_KERNEL";
    case CUPTI_ACTIVITY_KIND_MEMCPY: return "MEMCPY";
    case CUPTI_ACTIVITY_KIND_MEMSET: return "MEMSET";
    case CUPTI_ACTIVITY_KIND_RUNTIME: return "RUNTIME";
    case CUPTI_ACTIVITY_KIND_DRIVER: return "DRIVER";
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: return "SYNCHRONIZATION";
    case CUPTI_ACTIVITY_KIND_MARKER: return "MARKER";
    case CUPTI_ACTIVITY_KIND_OVERHEAD: return "OVERHEAD";
    default: return "?";
  }
}

std::string Tracer::Impl::undo() {
  std::string first;
  for (auto it = enabled.rbegin(); it != enabled.rend(); ++it) {
    // Keep going after a failure: every kind left enabled keeps costing.
    const CUptiResult r = api.ActivityDisable(*it);
    if (r != CUPTI_SUCCESS && first.empty())
      first = std::string("cuptiActivityDisable(") + kind_name(*it) + ") failed: " + result_text(api, r);
  }
  enabled.clear();
  if (subscribed) {
    const CUptiResult r = api.Unsubscribe(subscriber);
    if (r != CUPTI_SUCCESS && first.empty()) first = "cuptiUnsubscribe failed: " + result_text(api, r);
    subscribed = false;
  }
  {
    std::lock_guard lock(g_mu);
    if (g_active == this) g_active = nullptr;
  }
  begun = false;
  return first;
}

Tracer::Tracer(const Api& api, std::size_t buffer_bytes) : impl_(std::make_unique<Impl>()) {
  impl_->api = api;
  // aligned_alloc wants a multiple of the alignment; a floor keeps a few records per buffer.
  impl_->buffer_bytes = std::max<std::size_t>(1024, (buffer_bytes + kAlign - 1) / kAlign * kAlign);
}

Tracer::~Tracer() {
  if (impl_->begun) impl_->undo();
}

std::int64_t Tracer::clock_offset_ns() const { return impl_->offset_ns; }
const Api& Tracer::api() const { return impl_->api; }

std::string Tracer::begin() {
  Impl& s = *impl_;
  if (s.begun) return "CUPTI tracing already begun";
  {
    std::lock_guard lock(g_mu);
    if (g_active) return "another CUPTI tracing session of this process is active";
    g_active = &s;
    s.records = {};
    s.error.clear();
  }
  s.begun = true;
  g_buffer_bytes.store(s.buffer_bytes);
  auto fail = [&s](std::string why) {
    s.undo();
    return why;
  };
  // The kernel's thread ids (gettid), as the NVTX recorder's tracks use; CUPTI's default is
  // pthread_self. Without it only the API calls' track ids differ, so a failure is ignored.
  if (s.api.SetThreadIdType) s.api.SetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM);

  if (const CUptiResult r = s.api.Subscribe(&s.subscriber, ignore_callback, nullptr); r != CUPTI_SUCCESS)
    return fail(subscribe_reason(s.api, r));
  s.subscribed = true;
  if (const CUptiResult r = s.api.ActivityRegisterCallbacks(buffer_requested, buffer_completed); r != CUPTI_SUCCESS)
    return fail("cuptiActivityRegisterCallbacks failed: " + result_text(s.api, r));
  for (const CUpti_ActivityKind k : traced_kinds()) {
    if (const CUptiResult r = s.api.ActivityEnable(k); r != CUPTI_SUCCESS)
      return fail(std::string("cuptiActivityEnable(") + kind_name(k) + ") failed: " + result_text(s.api, r));
    s.enabled.push_back(k);
  }
  // CUPTI's clock is its own; the steady clock read on both sides of it, averaged, maps it
  // onto now_ns() to within the few hundred nanoseconds the read takes.
  std::uint64_t cupti_ts = 0;
  const std::int64_t before = now_ns();
  const CUptiResult r = s.api.GetTimestamp(&cupti_ts);
  const std::int64_t after = now_ns();
  if (r != CUPTI_SUCCESS) return fail("cuptiGetTimestamp failed: " + result_text(s.api, r));
  s.offset_ns = before + (after - before) / 2 - static_cast<std::int64_t>(cupti_ts);
  return {};
}

std::string Tracer::stop(Records& out) {
  Impl& s = *impl_;
  out = {};
  if (!s.begun) return "CUPTI tracing was not begun";
  std::string err;
  // Forced: also the buffers still being filled, or the pass's last kernels would be missing.
  if (const CUptiResult r = s.api.ActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED); r != CUPTI_SUCCESS)
    err = "cuptiActivityFlushAll failed: " + result_text(s.api, r);
  // The global queue's count (context NULL): records dropped with no buffer to complete.
  std::size_t dropped = 0;
  if (const CUptiResult r = s.api.ActivityGetNumDroppedRecords(nullptr, 0, &dropped); r != CUPTI_SUCCESS) {
    if (err.empty()) err = "cuptiActivityGetNumDroppedRecords failed: " + result_text(s.api, r);
  }
  const std::string undo_err = s.undo();
  // From here no callback reaches s: what it recorded is final.
  s.records.dropped += dropped;
  if (err.empty()) err = s.error;
  if (err.empty()) err = undo_err;
  if (!err.empty()) {
    s.records = {};
    return err;
  }
  out = std::move(s.records);
  s.records = {};
  return {};
}

}  // namespace sb::prof::cupti
