#include "stratbench/profilers/nvtx_recorder.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "stratbench/profilers/nvtx.hpp"

namespace sb::prof {
bool nvtx_injection_linked();
}

#if defined(STRATBENCH_HAVE_NVTX)

namespace sb::prof {
namespace {

std::atomic<bool> g_collecting{false};
std::atomic<bool> g_injected{false};

struct Domain {
  std::string name;
  std::map<std::uint32_t, std::string> categories;  // under g_mu
};
struct RegisteredString {
  std::string text;
};

// A range as pushed: `name` points at an interned string that lives as long as the process.
struct Open {
  const std::string* name;
  const Domain* domain;
  std::uint32_t category;
  bool has_payload;
  double payload;
  std::int64_t start;
  int depth;
};
struct Closed {
  Open range;
  std::int64_t end;
  bool instant;
};

// One per thread that ever recorded. `open` is touched only by its own thread (so a push
// or pop takes no lock for it); `closed` is shared with start/stop under `mu`.
struct ThreadBuf {
  std::int64_t tid = 0;
  std::vector<Open> open;
  std::mutex mu;
  std::vector<Closed> closed;
};

struct AsyncOpen {
  Open range;
  std::int64_t tid;
};
struct AsyncClosed {
  Open range;
  std::int64_t tid;
  std::int64_t end;
  std::uint64_t id;
};

std::mutex g_mu;  // guards everything below
std::vector<std::unique_ptr<ThreadBuf>> g_bufs;
std::vector<std::unique_ptr<Domain>> g_domains;
Domain g_default_domain{"", {}};
std::map<std::pair<const Domain*, std::string>, std::unique_ptr<RegisteredString>> g_strings;
std::set<std::string> g_messages;  // interned ASCII messages (std::set nodes never move)
std::map<std::int64_t, std::string> g_thread_names;
std::map<std::uint64_t, AsyncOpen> g_async_open;
std::vector<AsyncClosed> g_async_closed;
std::atomic<std::uint64_t> g_next_async{1};

thread_local ThreadBuf* t_buf = nullptr;
thread_local int t_depth = 0;

std::int64_t this_tid() { return static_cast<std::int64_t>(::syscall(SYS_gettid)); }

ThreadBuf& this_buf() {
  if (!t_buf) {
    auto b = std::make_unique<ThreadBuf>();
    b->tid = this_tid();
    std::lock_guard<std::mutex> lk(g_mu);
    t_buf = b.get();
    g_bufs.push_back(std::move(b));
  }
  return *t_buf;
}

std::string narrow(const wchar_t* w) {
  std::string out;
  std::mbstate_t st{};
  char buf[MB_LEN_MAX];
  for (; w && *w; ++w) {
    const std::size_t n = std::wcrtomb(buf, *w, &st);
    if (n == static_cast<std::size_t>(-1))
      out += '?';
    else
      out.append(buf, n);
  }
  return out;
}

const std::string* intern(std::string s) {
  std::lock_guard<std::mutex> lk(g_mu);
  return &*g_messages.insert(std::move(s)).first;
}

const Domain* as_domain(nvtxDomainHandle_t d) { return d ? reinterpret_cast<const Domain*>(d) : &g_default_domain; }

// The parts of an event's attributes a trace keeps. Fields past `size` were not set.
Open from_attributes(const Domain* d, const nvtxEventAttributes_t* a) {
  static const std::string unnamed = "(unnamed)";
  Open o{&unnamed, d, 0, false, 0, 0, 0};
  if (!a) return o;
  const std::size_t size = a->size;
  if (size >= offsetof(nvtxEventAttributes_t, category) + sizeof a->category) o.category = a->category;
  if (size >= offsetof(nvtxEventAttributes_t, payload) + sizeof a->payload) {
    o.has_payload = true;
    switch (a->payloadType) {
      case NVTX_PAYLOAD_TYPE_INT64: o.payload = static_cast<double>(a->payload.llValue); break;
      case NVTX_PAYLOAD_TYPE_UNSIGNED_INT64: o.payload = static_cast<double>(a->payload.ullValue); break;
      case NVTX_PAYLOAD_TYPE_DOUBLE: o.payload = a->payload.dValue; break;
      case NVTX_PAYLOAD_TYPE_INT32: o.payload = a->payload.iValue; break;
      case NVTX_PAYLOAD_TYPE_UNSIGNED_INT32: o.payload = a->payload.uiValue; break;
      case NVTX_PAYLOAD_TYPE_FLOAT: o.payload = a->payload.fValue; break;
      default: o.has_payload = false;
    }
  }
  if (size >= offsetof(nvtxEventAttributes_t, message) + sizeof a->message) {
    if (a->messageType == NVTX_MESSAGE_TYPE_REGISTERED && a->message.registered)
      o.name = &reinterpret_cast<const RegisteredString*>(a->message.registered)->text;
    else if (a->messageType == NVTX_MESSAGE_TYPE_ASCII && a->message.ascii)
      o.name = intern(a->message.ascii);
    else if (a->messageType == NVTX_MESSAGE_TYPE_UNICODE && a->message.unicode)
      o.name = intern(narrow(a->message.unicode));
  }
  return o;
}

int push(const Domain* d, const nvtxEventAttributes_t* a) {
  const int depth = t_depth++;
  if (!g_collecting.load(std::memory_order_relaxed)) return depth;
  Open o = from_attributes(d, a);
  o.depth = depth;
  o.start = now_ns();
  this_buf().open.push_back(o);
  return depth;
}

int pop() {
  if (t_depth == 0) return -1;  // more pops than pushes: NVTX says return a negative value
  const int depth = --t_depth;
  ThreadBuf* b = t_buf;
  if (!b || b->open.empty() || b->open.back().depth != depth) return depth;
  const Open o = b->open.back();
  b->open.pop_back();
  if (g_collecting.load(std::memory_order_relaxed)) {
    const std::int64_t end = now_ns();
    std::lock_guard<std::mutex> lk(b->mu);
    b->closed.push_back({o, end, false});
  }
  return depth;
}

void mark(const Domain* d, const nvtxEventAttributes_t* a) {
  if (!g_collecting.load(std::memory_order_relaxed)) return;
  Open o = from_attributes(d, a);
  o.start = now_ns();
  ThreadBuf& b = this_buf();
  std::lock_guard<std::mutex> lk(b.mu);
  b.closed.push_back({o, o.start, true});
}

nvtxRangeId_t range_start(const Domain* d, const nvtxEventAttributes_t* a) {
  const std::uint64_t id = g_next_async.fetch_add(1);
  if (!g_collecting.load(std::memory_order_relaxed)) return id;
  Open o = from_attributes(d, a);
  o.start = now_ns();
  std::lock_guard<std::mutex> lk(g_mu);
  g_async_open[id] = {o, this_tid()};
  return id;
}

void range_end(nvtxRangeId_t id) {
  const std::int64_t end = now_ns();
  std::lock_guard<std::mutex> lk(g_mu);
  auto it = g_async_open.find(id);
  if (it == g_async_open.end()) return;
  if (g_collecting.load(std::memory_order_relaxed))
    g_async_closed.push_back({it->second.range, it->second.tid, end, id});
  g_async_open.erase(it);
}

nvtxEventAttributes_t ascii_attributes(const char* message) {
  nvtxEventAttributes_t a{};
  a.version = NVTX_VERSION;
  a.size = NVTX_EVENT_ATTRIB_STRUCT_SIZE;
  a.messageType = NVTX_MESSAGE_TYPE_ASCII;
  a.message.ascii = message;
  return a;
}

void name_category(const Domain* d, std::uint32_t category, std::string name) {
  std::lock_guard<std::mutex> lk(g_mu);
  const_cast<Domain*>(d)->categories[category] = std::move(name);
}

// The callbacks, with NVTX's signatures.
void cb_mark_ex(const nvtxEventAttributes_t* a) { mark(&g_default_domain, a); }
void cb_mark_a(const char* m) {
  const auto a = ascii_attributes(m);
  mark(&g_default_domain, &a);
}
nvtxRangeId_t cb_start_ex(const nvtxEventAttributes_t* a) { return range_start(&g_default_domain, a); }
nvtxRangeId_t cb_start_a(const char* m) {
  const auto a = ascii_attributes(m);
  return range_start(&g_default_domain, &a);
}
void cb_end(nvtxRangeId_t id) { range_end(id); }
int cb_push_ex(const nvtxEventAttributes_t* a) { return push(&g_default_domain, a); }
int cb_push_a(const char* m) {
  if (!g_collecting.load(std::memory_order_relaxed)) return t_depth++;
  const auto a = ascii_attributes(m);
  return push(&g_default_domain, &a);
}
int cb_pop() { return pop(); }
void cb_name_category_a(std::uint32_t c, const char* n) { name_category(&g_default_domain, c, n ? n : ""); }
void cb_name_thread_a(std::uint32_t tid, const char* n) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_thread_names[tid] = n ? n : "";
}
void cb_domain_mark_ex(nvtxDomainHandle_t d, const nvtxEventAttributes_t* a) { mark(as_domain(d), a); }
nvtxRangeId_t cb_domain_start_ex(nvtxDomainHandle_t d, const nvtxEventAttributes_t* a) {
  return range_start(as_domain(d), a);
}
void cb_domain_end(nvtxDomainHandle_t, nvtxRangeId_t id) { range_end(id); }
int cb_domain_push_ex(nvtxDomainHandle_t d, const nvtxEventAttributes_t* a) { return push(as_domain(d), a); }
int cb_domain_pop(nvtxDomainHandle_t) { return pop(); }
void cb_domain_name_category_a(nvtxDomainHandle_t d, std::uint32_t c, const char* n) {
  name_category(as_domain(d), c, n ? n : "");
}
nvtxStringHandle_t cb_domain_register_a(nvtxDomainHandle_t d, const char* s) {
  std::lock_guard<std::mutex> lk(g_mu);
  auto& slot = g_strings[{as_domain(d), s ? s : ""}];
  if (!slot) slot = std::make_unique<RegisteredString>(RegisteredString{s ? s : ""});
  return reinterpret_cast<nvtxStringHandle_t>(slot.get());
}
nvtxStringHandle_t cb_domain_register_w(nvtxDomainHandle_t d, const wchar_t* s) {
  const std::string n = narrow(s);
  return cb_domain_register_a(d, n.c_str());
}
nvtxDomainHandle_t cb_domain_create_a(const char* name) {
  std::lock_guard<std::mutex> lk(g_mu);
  g_domains.push_back(std::make_unique<Domain>(Domain{name ? name : "", {}}));
  return reinterpret_cast<nvtxDomainHandle_t>(g_domains.back().get());
}
// Domains live as long as the process: events recorded in one may outlive its handle.
void cb_domain_destroy(nvtxDomainHandle_t) {}
void cb_initialize(const void*) {}

template <class F>
void install(NvtxFunctionTable table, unsigned size, unsigned id, F f) {
  if (id < size && table[id]) *table[id] = reinterpret_cast<NvtxFunctionPointer>(f);
}

int initialize(NvtxGetExportTableFunc_t get) {
  const auto* cbs = static_cast<const NvtxExportTableCallbacks*>(get(NVTX_ETID_CALLBACKS));
  if (!cbs || cbs->struct_size < sizeof(NvtxExportTableCallbacks)) return 0;
  NvtxFunctionTable core = nullptr, core2 = nullptr;
  unsigned n1 = 0, n2 = 0;
  if (!cbs->GetModuleFunctionTable(NVTX_CB_MODULE_CORE, &core, &n1) || !core) return 0;
  if (!cbs->GetModuleFunctionTable(NVTX_CB_MODULE_CORE2, &core2, &n2) || !core2) return 0;
  install(core, n1, NVTX_CBID_CORE_MarkEx, cb_mark_ex);
  install(core, n1, NVTX_CBID_CORE_MarkA, cb_mark_a);
  install(core, n1, NVTX_CBID_CORE_RangeStartEx, cb_start_ex);
  install(core, n1, NVTX_CBID_CORE_RangeStartA, cb_start_a);
  install(core, n1, NVTX_CBID_CORE_RangeEnd, cb_end);
  install(core, n1, NVTX_CBID_CORE_RangePushEx, cb_push_ex);
  install(core, n1, NVTX_CBID_CORE_RangePushA, cb_push_a);
  install(core, n1, NVTX_CBID_CORE_RangePop, cb_pop);
  install(core, n1, NVTX_CBID_CORE_NameCategoryA, cb_name_category_a);
  install(core, n1, NVTX_CBID_CORE_NameOsThreadA, cb_name_thread_a);
  install(core2, n2, NVTX_CBID_CORE2_DomainMarkEx, cb_domain_mark_ex);
  install(core2, n2, NVTX_CBID_CORE2_DomainRangeStartEx, cb_domain_start_ex);
  install(core2, n2, NVTX_CBID_CORE2_DomainRangeEnd, cb_domain_end);
  install(core2, n2, NVTX_CBID_CORE2_DomainRangePushEx, cb_domain_push_ex);
  install(core2, n2, NVTX_CBID_CORE2_DomainRangePop, cb_domain_pop);
  install(core2, n2, NVTX_CBID_CORE2_DomainNameCategoryA, cb_domain_name_category_a);
  install(core2, n2, NVTX_CBID_CORE2_DomainRegisterStringA, cb_domain_register_a);
  install(core2, n2, NVTX_CBID_CORE2_DomainRegisterStringW, cb_domain_register_w);
  install(core2, n2, NVTX_CBID_CORE2_DomainCreateA, cb_domain_create_a);
  install(core2, n2, NVTX_CBID_CORE2_DomainDestroy, cb_domain_destroy);
  install(core2, n2, NVTX_CBID_CORE2_Initialize, cb_initialize);
  g_injected = true;
  return 1;
}

std::string category_of(const Open& o) {
  auto it = o.domain->categories.find(o.category);
  if (it != o.domain->categories.end()) return it->second;
  if (!o.domain->name.empty()) return o.domain->name;
  return o.category ? "category " + std::to_string(o.category) : "";
}

TraceEvent to_event(const Open& o, std::int64_t end, std::int64_t base, std::int64_t tid, EventKind kind) {
  TraceEvent e;
  e.kind = kind;
  e.name = *o.name;
  e.category = category_of(o);
  e.ts_ns = o.start - base;
  e.dur_ns = kind == EventKind::complete ? end - o.start : 0;
  e.tid = tid;
  if (o.has_payload) e.num_args.emplace_back("index", o.payload);
  return e;
}

}  // namespace

std::string nvtx_recorder_unavailable_reason() {
  if (!nvtx_injection_linked()) return "the NVTX recorder is not linked into this binary";
  nvtxInitialize(nullptr);  // runs NVTX's tool search now, if nothing has yet
  if (g_injected) return "";
  if (const char* other = std::getenv("NVTX_INJECTION64_PATH"); other && *other)
    return std::string("another NVTX tool is attached (NVTX_INJECTION64_PATH=") + other +
           "): the ranges go to it, not to stratbench";
  return "NVTX did not load stratbench's recorder";
}

void nvtx_recorder_start() {
  std::lock_guard<std::mutex> lk(g_mu);
  for (auto& b : g_bufs) {
    std::lock_guard<std::mutex> bl(b->mu);
    b->closed.clear();
  }
  g_async_closed.clear();
  g_collecting = true;
}

NvtxCollected nvtx_recorder_stop(std::int64_t base_ns) {
  g_collecting = false;
  NvtxCollected out;
  std::lock_guard<std::mutex> lk(g_mu);
  const std::int64_t main_tid = ::getpid();
  for (auto& b : g_bufs) {
    std::vector<Closed> closed;
    {
      std::lock_guard<std::mutex> bl(b->mu);
      closed.swap(b->closed);
    }
    if (closed.empty()) continue;
    for (const auto& c : closed) {
      out.events.push_back(
          to_event(c.range, c.end, base_ns, b->tid, c.instant ? EventKind::instant : EventKind::complete));
      out.ranges += !c.instant;
    }
    auto name = g_thread_names.find(b->tid);
    std::string n = name != g_thread_names.end() ? name->second
                    : b->tid == main_tid         ? "main"
                                                 : "thread " + std::to_string(b->tid);
    out.tracks.push_back({kCpuPid, b->tid, n, b->tid == main_tid ? 0 : 1 + static_cast<int>(out.tracks.size())});
  }
  for (const auto& a : g_async_closed) {
    TraceEvent begin = to_event(a.range, a.end, base_ns, a.tid, EventKind::async_begin);
    begin.id = a.id;
    TraceEvent end = begin;
    end.kind = EventKind::async_end;
    end.ts_ns = a.end - base_ns;
    end.num_args.clear();
    out.events.push_back(std::move(begin));
    out.events.push_back(std::move(end));
    ++out.ranges;
  }
  g_async_closed.clear();
  return out;
}

}  // namespace sb::prof

extern "C" int sb_nvtx_initialize_injection(const void* (*get_export_table)(std::uint32_t)) {
  return sb::prof::initialize(get_export_table);
}

#else  // built without NVTX

namespace sb::prof {
std::string nvtx_recorder_unavailable_reason() {
  return "stratbench was built without NVTX (STRATBENCH_NVTX=OFF or no nvtx3 headers)";
}
void nvtx_recorder_start() {}
NvtxCollected nvtx_recorder_stop(std::int64_t) { return {}; }
}  // namespace sb::prof

extern "C" int sb_nvtx_initialize_injection(const void* (*)(std::uint32_t)) { return 0; }

#endif
