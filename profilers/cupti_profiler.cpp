// The CUPTI profiler: a Tracer session around the traced pass, its records turned into trace
// events (one track per CUDA stream, flows from each launch to its kernel) and GPU totals.
#include <cxxabi.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include "cupti_tracer.hpp"
#include "stratbench/profilers/cupti.hpp"
#include "stratbench/profilers/gpu_info.hpp"

namespace sb::prof {

namespace cupti {
namespace {

const char* copy_kind_name(std::uint8_t k) {
  switch (k) {
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOD: return "HtoD";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOH: return "DtoH";
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOA: return "HtoA";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOH: return "AtoH";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOA: return "AtoA";
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOD: return "AtoD";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOA: return "DtoA";
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOD: return "DtoD";
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOH: return "HtoH";
    case CUPTI_ACTIVITY_MEMCPY_KIND_PTOP: return "PtoP";
    default: return "unknown";
  }
}

const char* sync_name(std::uint32_t type) {
  switch (type) {
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE: return "event synchronize";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT: return "stream wait event";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE: return "stream synchronize";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE: return "context synchronize";
    default: return "synchronize";
  }
}

std::string overhead_name(std::uint32_t kind) {
  switch (kind) {
    case CUPTI_ACTIVITY_OVERHEAD_DRIVER_COMPILER: return "driver JIT compilation";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH: return "CUPTI buffer flush";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_INSTRUMENTATION: return "CUPTI instrumentation";
    case CUPTI_ACTIVITY_OVERHEAD_CUPTI_RESOURCE: return "CUPTI resource";
    case CUPTI_ACTIVITY_OVERHEAD_RUNTIME_TRIGGERED_MODULE_LOADING: return "module loading";
    case CUPTI_ACTIVITY_OVERHEAD_LAZY_FUNCTION_LOADING: return "lazy function loading";
    case CUPTI_ACTIVITY_OVERHEAD_COMMAND_BUFFER_FULL: return "command buffer full";
    case CUPTI_ACTIVITY_OVERHEAD_ACTIVITY_BUFFER_REQUEST: return "activity buffer request";
    default: return "overhead " + std::to_string(kind);
  }
}

// Kernel names arrive mangled ("_Z4gemmPKfS0_Pfi"); a trace is read by people.
std::string demangled(const std::string& name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  std::string out = (status == 0 && d) ? d : name;
  std::free(d);
  return out.empty() ? "kernel" : out;
}

// cuptiGetCallbackName says "cudaLaunchKernel_v7000"; the suffix is the API's version tag,
// noise in a trace, so it is cut.
std::string api_name(const Api& api, bool driver, std::uint32_t cbid) {
  const char* n = nullptr;
  const auto domain = driver ? CUPTI_CB_DOMAIN_DRIVER_API : CUPTI_CB_DOMAIN_RUNTIME_API;
  if (!api.GetCallbackName || api.GetCallbackName(domain, cbid, &n) != CUPTI_SUCCESS || !n || !*n)
    return "cbid " + std::to_string(cbid);
  std::string s = n;
  const auto v = s.rfind("_v");
  if (v != std::string::npos && v + 2 < s.size() &&
      std::all_of(s.begin() + static_cast<std::ptrdiff_t>(v) + 2, s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    s.resize(v);
  return s;
}

std::int64_t duration(std::uint64_t start, std::uint64_t end) {
  return end > start ? static_cast<std::int64_t>(end - start) : 0;
}

// Both ends share name and category: viewers pair a flow's ends by them and the id.
TraceEvent flow(EventKind kind, std::int64_t ts, int pid, std::int64_t tid, std::uint32_t id) {
  TraceEvent e;
  e.kind = kind;
  e.name = "launch";
  e.category = "cuda_flow";
  e.ts_ns = ts;
  e.pid = pid;
  e.tid = tid;
  e.id = id;
  return e;
}

void add_gpu_tracks(Trace& t, const std::set<std::pair<std::uint32_t, std::uint32_t>>& streams) {
  for (const auto& [device, stream] : streams) {
    const int pid = kGpuPidBase + static_cast<int>(device);
    const bool named =
        std::any_of(t.processes.begin(), t.processes.end(), [&](const auto& p) { return p.first == pid; });
    if (!named) t.processes.emplace_back(pid, "GPU " + std::to_string(device));
    t.tracks.push_back({pid, stream, "stream " + std::to_string(stream), static_cast<int>(stream)});
  }
}

void add_markers(Trace& t, const Records& r, const std::function<std::int64_t(std::uint64_t)>& ts) {
  // Sorted by time, so an end finds its start even when they came in different buffers.
  std::vector<const MarkerActivity*> ms;
  for (const auto& m : r.markers) ms.push_back(&m);
  std::stable_sort(ms.begin(), ms.end(), [](auto* a, auto* b) { return a->timestamp < b->timestamp; });
  auto event = [&](const MarkerActivity& m, EventKind kind) {
    TraceEvent e;
    e.kind = kind;
    e.name = m.name.empty() ? "marker " + std::to_string(m.id) : m.name;
    e.category = "nvtx_cupti";
    e.ts_ns = ts(m.timestamp);
    e.pid = kCpuPid;
    e.tid = m.thread;
    if (!m.domain.empty()) e.str_args.emplace_back("domain", m.domain);
    return e;
  };
  std::map<std::uint32_t, const MarkerActivity*> open;
  for (const MarkerActivity* m : ms) {
    if (m->flags & CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS) {
      t.events.push_back(event(*m, EventKind::instant));
    } else if (m->flags & CUPTI_ACTIVITY_FLAG_MARKER_START) {
      open[m->id] = m;
    } else if (m->flags & CUPTI_ACTIVITY_FLAG_MARKER_END) {
      const auto it = open.find(m->id);
      if (it == open.end()) continue;
      TraceEvent e = event(*it->second, EventKind::complete);
      e.dur_ns = duration(it->second->timestamp, m->timestamp);
      t.events.push_back(std::move(e));
      open.erase(it);
    }
  }
  // A range still open when tracing stopped: its start is still worth showing.
  for (const auto& [id, m] : open) {
    TraceEvent e = event(*m, EventKind::instant);
    e.str_args.emplace_back("end", "after tracing stopped");
    t.events.push_back(std::move(e));
  }
}

}  // namespace

void contribute(const Api& api, const Records& r, std::int64_t offset_ns, int iterations, PassOutput& out) {
  const double n = std::max(1, iterations);
  double kernel_ns = 0, kernels = 0, copy_bytes = 0;
  for (const GpuActivity& g : r.gpu) {
    if (g.kind == GpuActivity::Kind::kernel) kernel_ns += static_cast<double>(duration(g.start, g.end)), ++kernels;
    if (g.kind == GpuActivity::Kind::memcpy) copy_bytes += static_cast<double>(g.bytes);
  }
  GpuMetrics m;
  m.kernel_time_ms = kernel_ns / 1e6 / n;
  m.launches = static_cast<std::uint64_t>(std::llround(kernels / n));
  m.memcpy_bytes = static_cast<std::uint64_t>(std::llround(copy_bytes / n));
  out.gpu = m;
  double overhead_ns = 0;
  for (const OverheadActivity& o : r.overhead) overhead_ns += static_cast<double>(duration(o.start, o.end));
  // Per iteration, like every counter: how much of the traced pass was CUPTI's own work.
  out.counters["cupti_overhead_ms"] = overhead_ns / 1e6 / n;
  out.counters["cupti_dropped_records"] = static_cast<double>(r.dropped);
  if (r.dropped > 0)
    out.notes.push_back("cupti: " + std::to_string(r.dropped) + " activity records dropped (buffers full)");
  if (!out.trace) return;

  Trace& t = *out.trace;
  const std::function<std::int64_t(std::uint64_t)> ts = [&](std::uint64_t c) {
    return static_cast<std::int64_t>(c) + offset_ns - t.base_ns;
  };
  // The launching call of each correlation id: the runtime call when both it and the driver
  // call it made were recorded (the runtime call is what the program wrote).
  std::map<std::uint32_t, const ApiActivity*> launch;
  // A pass makes the same few calls and kernels thousands of times: name each once.
  std::map<std::pair<bool, std::uint32_t>, std::string> api_names;
  std::map<std::string, std::string> kernel_names;
  for (const ApiActivity& a : r.api) {
    TraceEvent e;
    auto [name, fresh] = api_names.try_emplace({a.driver, a.cbid});
    if (fresh) name->second = api_name(api, a.driver, a.cbid);
    e.name = name->second;
    e.category = a.driver ? "cuda_driver" : "cuda_runtime";
    e.ts_ns = ts(a.start);
    e.dur_ns = duration(a.start, a.end);
    e.pid = kCpuPid;
    e.tid = a.thread;
    e.num_args = {{"correlation_id", a.correlation}, {"cbid", a.cbid}};
    if (a.result != 0) e.num_args.emplace_back("result", a.result);
    t.events.push_back(std::move(e));
    auto [it, added] = launch.emplace(a.correlation, &a);
    if (!added && it->second->driver && !a.driver) it->second = &a;
  }

  std::set<std::pair<std::uint32_t, std::uint32_t>> streams;
  std::set<std::uint32_t> flowed;  // one flow per correlation id: flow ids must pair up
  for (const GpuActivity& g : r.gpu) {
    TraceEvent e;
    e.ts_ns = ts(g.start);
    e.dur_ns = duration(g.start, g.end);
    e.pid = kGpuPidBase + static_cast<int>(g.device);
    e.tid = g.stream;
    switch (g.kind) {
      case GpuActivity::Kind::kernel: {
        auto [n, fresh] = kernel_names.try_emplace(g.name);
        if (fresh) n->second = demangled(g.name);
        e.name = n->second;
        e.category = "kernel";
        e.str_args = {
            {"grid", std::to_string(g.grid[0]) + "x" + std::to_string(g.grid[1]) + "x" + std::to_string(g.grid[2])},
            {"block",
             std::to_string(g.block[0]) + "x" + std::to_string(g.block[1]) + "x" + std::to_string(g.block[2])}};
        e.num_args = {{"registers", g.registers},
                      {"static_shared_memory", g.static_shared},
                      {"dynamic_shared_memory", g.dynamic_shared}};
        break;
      }
      case GpuActivity::Kind::memcpy:
        e.name = std::string("memcpy ") + copy_kind_name(g.copy_kind);
        e.category = "memcpy";
        e.num_args = {{"bytes", static_cast<double>(g.bytes)}};
        e.str_args = {{"copy_kind", copy_kind_name(g.copy_kind)}};
        break;
      case GpuActivity::Kind::memset:
        e.name = "memset";
        e.category = "memset";
        e.num_args = {{"bytes", static_cast<double>(g.bytes)}};
        break;
    }
    e.num_args.emplace_back("correlation_id", g.correlation);
    streams.emplace(g.device, g.stream);
    const auto l = launch.find(g.correlation);
    if (g.correlation != 0 && l != launch.end() && flowed.insert(g.correlation).second) {
      // The start sits inside the launching call's slice and the end at the GPU work's start,
      // so viewers bind each end to its enclosing slice.
      const ApiActivity& a = *l->second;
      t.events.push_back(
          flow(EventKind::flow_start, ts(a.start) + duration(a.start, a.end) / 2, kCpuPid, a.thread, g.correlation));
      t.events.push_back(flow(EventKind::flow_end, e.ts_ns, e.pid, e.tid, g.correlation));
    }
    t.events.push_back(std::move(e));
  }
  add_gpu_tracks(t, streams);

  for (const SyncActivity& s : r.sync) {
    // A wait happens on the thread that called; the record names only the call's correlation id.
    const auto l = launch.find(s.correlation);
    TraceEvent e;
    e.name = sync_name(s.type);
    e.category = "cuda_sync";
    e.ts_ns = ts(s.start);
    e.dur_ns = duration(s.start, s.end);
    e.pid = kCpuPid;
    e.tid = l != launch.end() ? l->second->thread : 0;
    e.num_args = {{"stream", s.stream}, {"correlation_id", s.correlation}};
    t.events.push_back(std::move(e));
  }
  for (const OverheadActivity& o : r.overhead) {
    TraceEvent e;
    e.name = overhead_name(o.kind);
    e.category = "cupti_overhead";
    e.ts_ns = ts(o.start);
    e.dur_ns = duration(o.start, o.end);
    e.pid = o.on_gpu ? kGpuPidBase + static_cast<int>(o.device) : kCpuPid;
    e.tid = o.track;
    t.events.push_back(std::move(e));
  }
  add_markers(t, r, ts);
}

}  // namespace cupti

namespace {

// Why no CUDA device can be traced, or "". Asked before CUPTI is touched: without a driver
// CUPTI only says CUPTI_ERROR_UNKNOWN, and the CUDA runtime's "driver version is insufficient"
// misleads where no driver is installed at all.
std::string device_reason() {
  // Left open on purpose: the CUDA runtime opens the same library next, and unloading a
  // driver library is never worth the risk.
  if (!dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) return "no NVIDIA driver (libcuda.so.1 cannot be opened)";
  return cuda_unavailable_reason();
}

class CuptiProfiler final : public Profiler {
 public:
  std::string begin() override {
    if (std::string why = device_reason(); !why.empty()) return why;
    cupti::Loaded l = cupti::load_default();
    if (!l.error.empty()) return l.error;
    tracer_ = std::make_unique<cupti::Tracer>(l.api);
    std::string why = tracer_->begin();
    if (!why.empty()) tracer_.reset();
    return why;
  }

  void end(int iterations, PassOutput& out) override {
    if (!tracer_) return;
    cupti::Records r;
    const std::string err = tracer_->stop(r);
    if (err.empty()) {
      cupti::contribute(tracer_->api(), r, tracer_->clock_offset_ns(), iterations, out);
    } else {
      out.unavailable["cupti"] = "tracing stopped mid-run: " + err;
      out.notes.push_back("cupti: tracing stopped mid-run: " + err);
    }
    tracer_.reset();
  }

 private:
  std::unique_ptr<cupti::Tracer> tracer_;
};

}  // namespace

Availability cupti_availability() {
  Availability a;
  if (std::string why = device_reason(); !why.empty()) {
    a.reason = why;
    return a;
  }
  // Opening the library is cheap and leaves CUPTI untouched; subscribing here would attach
  // CUPTI to the driver before the timed passes, so "another client attached" waits for begin().
  const cupti::Loaded l = cupti::load_default();
  a.available = l.error.empty();
  a.reason = l.error;
  return a;
}

std::unique_ptr<Profiler> make_cupti_profiler() { return std::make_unique<CuptiProfiler>(); }

}  // namespace sb::prof
