// The stand-in libcupti's controls (fake_cupti.cpp defines them). Tests never link the
// stand-in: they open it with dlopen as the profiler does and reach these through FakeCupti.
#pragma once

#include <dlfcn.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" {
void fake_cupti_reset();                          // everything back to a fresh library
void fake_cupti_set_version(std::uint32_t v);     // what cuptiGetVersion says
void fake_cupti_set_timestamp(std::uint64_t ts);  // what cuptiGetTimestamp says
// `function` returns `result` from its (after_calls + 1)th call on.
void fake_cupti_fail(const char* function, int result, int after_calls);
void fake_cupti_set_buffer_limit(int buffers);  // records past these buffers drop
// Queues a record for the next flush: 1, or 0 when its kind is not enabled, -1 when `size`
// is not the installed header's size of that kind.
int fake_cupti_emit(const void* record, std::size_t size);
int fake_cupti_enabled_count();
int fake_cupti_subscribed();
int fake_cupti_buffers_completed();
int fake_cupti_thread_id_type();
}

#ifndef FAKE_CUPTI_LIBRARY
struct FakeCupti {
  decltype(&fake_cupti_reset) reset;
  decltype(&fake_cupti_set_version) set_version;
  decltype(&fake_cupti_set_timestamp) set_timestamp;
  decltype(&fake_cupti_fail) fail;
  decltype(&fake_cupti_set_buffer_limit) set_buffer_limit;
  decltype(&fake_cupti_emit) emit;
  decltype(&fake_cupti_enabled_count) enabled_count;
  decltype(&fake_cupti_subscribed) subscribed;
  decltype(&fake_cupti_buffers_completed) buffers_completed;
  decltype(&fake_cupti_thread_id_type) thread_id_type;

  // The same handle the loader gets for this path, so these act on the library it uses.
  static FakeCupti open(const std::string& path) {
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) throw std::runtime_error("cannot open the stand-in " + path);
    FakeCupti f{};
    get(h, "fake_cupti_reset", f.reset);
    get(h, "fake_cupti_set_version", f.set_version);
    get(h, "fake_cupti_set_timestamp", f.set_timestamp);
    get(h, "fake_cupti_fail", f.fail);
    get(h, "fake_cupti_set_buffer_limit", f.set_buffer_limit);
    get(h, "fake_cupti_emit", f.emit);
    get(h, "fake_cupti_enabled_count", f.enabled_count);
    get(h, "fake_cupti_subscribed", f.subscribed);
    get(h, "fake_cupti_buffers_completed", f.buffers_completed);
    get(h, "fake_cupti_thread_id_type", f.thread_id_type);
    return f;
  }

  template <class T>
  int emit_record(const T& record) {
    return emit(&record, sizeof record);
  }

 private:
  template <class F>
  static void get(void* h, const char* name, F& out) {
    out = reinterpret_cast<F>(dlsym(h, name));
    if (!out) throw std::runtime_error(std::string("the stand-in lacks ") + name);
  }
};
#endif
