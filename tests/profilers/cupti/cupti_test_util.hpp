// Shared by the CUPTI tests: a fixture that loads the stand-in libcupti through the real
// loader, and builders of activity records with the installed cupti.h's layouts.
#pragma once

#include <gtest/gtest.h>

#include <cstring>

#include "cupti_api.hpp"
#include "cupti_tracer.hpp"
#include "fake_cupti_control.hpp"

namespace sb::prof::cupti::test {

class StandIn : public ::testing::Test {
 protected:
  void SetUp() override {
    fake = FakeCupti::open(FAKE_CUPTI_PATH);
    fake.reset();
    const Loaded l = load_library(FAKE_CUPTI_PATH);
    ASSERT_EQ(l.error, "");
    api = l.api;
  }
  void TearDown() override { fake.reset(); }

  FakeCupti fake{};
  Api api;
};

// Zero-filled, so the fields a test does not set are what a fresh record would hold.
template <class T>
T zeroed() {
  T r;
  std::memset(static_cast<void*>(&r), 0, sizeof r);
  return r;
}

inline KernelRecord kernel(std::uint64_t start, std::uint64_t end, std::uint32_t correlation, std::uint32_t stream = 7,
                           std::uint32_t device = 0, const char* name = "_Z4gemmPKfS0_Pfi") {
  auto k = zeroed<KernelRecord>();
  k.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
  k.start = start, k.end = end;
  k.deviceId = device, k.streamId = stream, k.correlationId = correlation;
  k.gridX = 4, k.gridY = 2, k.gridZ = 1;
  k.blockX = 256, k.blockY = 1, k.blockZ = 1;
  k.registersPerThread = 32;
  k.staticSharedMemory = 1024, k.dynamicSharedMemory = 4096;
  k.name = name;
  return k;
}

inline MemcpyRecord copy(std::uint64_t start, std::uint64_t end, std::uint64_t bytes, CUpti_ActivityMemcpyKind kind,
                         std::uint32_t correlation, std::uint32_t stream = 7) {
  auto m = zeroed<MemcpyRecord>();
  m.kind = CUPTI_ACTIVITY_KIND_MEMCPY;
  m.copyKind = static_cast<std::uint8_t>(kind);
  m.bytes = bytes;
  m.start = start, m.end = end;
  m.streamId = stream, m.correlationId = correlation;
  return m;
}

inline MemsetRecord fill(std::uint64_t start, std::uint64_t end, std::uint64_t bytes, std::uint32_t correlation,
                         std::uint32_t stream = 7) {
  auto m = zeroed<MemsetRecord>();
  m.kind = CUPTI_ACTIVITY_KIND_MEMSET;
  m.bytes = bytes;
  m.start = start, m.end = end;
  m.streamId = stream, m.correlationId = correlation;
  return m;
}

inline ApiRecord call(bool driver, std::uint32_t cbid, std::uint64_t start, std::uint64_t end, std::uint32_t thread,
                      std::uint32_t correlation) {
  auto a = zeroed<ApiRecord>();
  a.kind = driver ? CUPTI_ACTIVITY_KIND_DRIVER : CUPTI_ACTIVITY_KIND_RUNTIME;
  a.cbid = cbid;
  a.start = start, a.end = end;
  a.threadId = thread, a.correlationId = correlation;
  return a;
}

inline SyncRecord sync(std::uint64_t start, std::uint64_t end, std::uint32_t correlation, std::uint32_t stream) {
  auto s = zeroed<SyncRecord>();
  s.kind = CUPTI_ACTIVITY_KIND_SYNCHRONIZATION;
  s.type = CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE;
  s.start = start, s.end = end;
  s.correlationId = correlation, s.streamId = stream;
  return s;
}

inline MarkerRecord marker(CUpti_ActivityFlag flags, std::uint32_t id, std::uint64_t ts, std::uint32_t thread,
                           const char* name) {
  auto m = zeroed<MarkerRecord>();
  m.kind = CUPTI_ACTIVITY_KIND_MARKER;
  m.flags = flags;
  m.id = id;
  m.timestamp = ts;
  m.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  m.objectId.pt.processId = 1;
  m.objectId.pt.threadId = thread;
  m.name = name;
  m.domain = name ? "stratbench" : nullptr;
  return m;
}

inline OverheadRecord overhead(std::uint64_t start, std::uint64_t end, std::uint32_t thread) {
  auto o = zeroed<OverheadRecord>();
  o.kind = CUPTI_ACTIVITY_KIND_OVERHEAD;
  o.overheadKind = CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH;
  o.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
  o.objectId.pt.threadId = thread;
  o.start = start, o.end = end;
  return o;
}

}  // namespace sb::prof::cupti::test
