// Private to the CUPTI profiler: the one place that names CUPTI's versioned record structs,
// and the table of entry points looked up in a libcupti opened at run time.
//
// CUPTI renames its activity structs whenever it adds a field (CUpti_ActivityKernel4 ... 10);
// the tracer only ever says KernelRecord, so moving to a newer toolkit means editing the
// aliases below and nothing else. The aliases are the newest each header declares; the
// library must be at least the header's CUPTI_API_VERSION, or its records may be older and
// shorter than these layouts (the loader refuses such a library).
#pragma once

#include <cupti.h>

#include <cstdint>
#include <string>

namespace sb::prof::cupti {

// CUDA 13.0 (CUPTI_API_VERSION 130001).
using KernelRecord = CUpti_ActivityKernel10;  // CONCURRENT_KERNEL
using MemcpyRecord = CUpti_ActivityMemcpy6;
using MemsetRecord = CUpti_ActivityMemset4;
using ApiRecord = CUpti_ActivityAPI;  // RUNTIME and DRIVER
using SyncRecord = CUpti_ActivitySynchronization2;
using MarkerRecord = CUpti_ActivityMarker2;
using OverheadRecord = CUpti_ActivityOverhead3;  // CUPTI's own cost

// The oldest library whose records have the layouts above.
constexpr std::uint32_t kRequiredVersion = CUPTI_API_VERSION;

// Entry points, typed from the header's own declarations so a signature change in a new
// toolkit is a compile error here rather than a crash at run time.
struct Api {
  decltype(&cuptiGetVersion) GetVersion = nullptr;
  decltype(&cuptiGetResultString) GetResultString = nullptr;
  decltype(&cuptiSubscribe) Subscribe = nullptr;
  decltype(&cuptiUnsubscribe) Unsubscribe = nullptr;
  decltype(&cuptiActivityEnable) ActivityEnable = nullptr;
  decltype(&cuptiActivityDisable) ActivityDisable = nullptr;
  decltype(&cuptiActivityRegisterCallbacks) ActivityRegisterCallbacks = nullptr;
  decltype(&cuptiActivityGetNextRecord) ActivityGetNextRecord = nullptr;
  decltype(&cuptiActivityGetNumDroppedRecords) ActivityGetNumDroppedRecords = nullptr;
  decltype(&cuptiActivityFlushAll) ActivityFlushAll = nullptr;
  decltype(&cuptiGetTimestamp) GetTimestamp = nullptr;
  // Optional: without them API calls are named "cbid N" and thread ids are pthread_self's
  // rather than the kernel's (which the NVTX recorder's tracks use).
  decltype(&cuptiGetCallbackName) GetCallbackName = nullptr;
  decltype(&cuptiSetThreadIdType) SetThreadIdType = nullptr;

  std::string path;  // what was opened, for messages
  std::uint32_t version = 0;
};

struct Loaded {
  Api api;
  std::string error;  // empty when api is usable
};

// Opens `path` (a file name for the dynamic linker's search, or a path), looks up every entry
// point and checks the version. The library is never closed: CUPTI may still call back into
// the process from its own threads, and dlclose of it is not supported.
Loaded load_library(const std::string& path);

// The library the profiler uses: $STRATBENCH_CUPTI_LIBRARY when set (only that one), else
// libcupti.so.<major>, libcupti.so, then the toolkit's library directory found at configure time.
Loaded load_default();

// "CUPTI_ERROR_UNKNOWN" through the library's cuptiGetResultString, "CUPTI error 999" without.
std::string result_text(const Api& api, CUptiResult r);

}  // namespace sb::prof::cupti
