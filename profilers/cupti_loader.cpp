// Opens libcupti with dlopen: the binaries must start where CUDA is absent, so CUPTI is never a
// link-time dependency, and a library that is missing, incomplete or too old becomes a reason.
#include <dlfcn.h>

#include <cstdlib>
#include <vector>

#include "cupti_api.hpp"

namespace sb::prof::cupti {

namespace {

template <class F>
bool find(void* handle, const char* name, F& out) {
  // POSIX guarantees that a data pointer from dlsym converts to a function pointer.
  out = reinterpret_cast<F>(dlsym(handle, name));
  return out != nullptr;
}

// Returns the first required entry point the library lacks, or "".
std::string lookup_all(void* h, Api& a) {
#define SB_CUPTI_REQUIRE(field, sym) \
  if (!find(h, sym, a.field)) return sym;
  SB_CUPTI_REQUIRE(GetVersion, "cuptiGetVersion")
  SB_CUPTI_REQUIRE(GetResultString, "cuptiGetResultString")
  SB_CUPTI_REQUIRE(Subscribe, "cuptiSubscribe")
  SB_CUPTI_REQUIRE(Unsubscribe, "cuptiUnsubscribe")
  SB_CUPTI_REQUIRE(ActivityEnable, "cuptiActivityEnable")
  SB_CUPTI_REQUIRE(ActivityDisable, "cuptiActivityDisable")
  SB_CUPTI_REQUIRE(ActivityRegisterCallbacks, "cuptiActivityRegisterCallbacks")
  SB_CUPTI_REQUIRE(ActivityGetNextRecord, "cuptiActivityGetNextRecord")
  SB_CUPTI_REQUIRE(ActivityGetNumDroppedRecords, "cuptiActivityGetNumDroppedRecords")
  SB_CUPTI_REQUIRE(ActivityFlushAll, "cuptiActivityFlushAll")
  SB_CUPTI_REQUIRE(GetTimestamp, "cuptiGetTimestamp")
#undef SB_CUPTI_REQUIRE
  find(h, "cuptiGetCallbackName", a.GetCallbackName);
  find(h, "cuptiSetThreadIdType", a.SetThreadIdType);
  return {};
}

std::string version_text(std::uint32_t v) {
  // CUPTI_API_VERSION is major*10000 + minor*100 + patch since CUDA 12.
  return std::to_string(v) + " (" + std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + ")";
}

}  // namespace

std::string result_text(const Api& api, CUptiResult r) {
  const char* s = nullptr;
  if (api.GetResultString && api.GetResultString(r, &s) == CUPTI_SUCCESS && s) return s;
  return "CUPTI error " + std::to_string(static_cast<int>(r));
}

Loaded load_library(const std::string& path) {
  Loaded out;
  out.api.path = path;
  // RTLD_LOCAL: CUPTI's symbols must not satisfy anyone else's lookups (an NVTX injection, say).
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    out.error = "cannot open " + path + (e ? std::string(": ") + e : std::string());
    return out;
  }
  if (std::string missing = lookup_all(h, out.api); !missing.empty()) {
    out.error = path + " has no " + missing + " (not a libcupti, or one too old for this build)";
    return out;
  }
  std::uint32_t v = 0;
  if (const CUptiResult r = out.api.GetVersion(&v); r != CUPTI_SUCCESS) {
    out.error = "cuptiGetVersion failed: " + result_text(out.api, r);
    return out;
  }
  out.api.version = v;
  if (v < kRequiredVersion) {
    out.error = path + " is CUPTI API version " + version_text(v) + "; this build's cupti.h needs " +
                version_text(kRequiredVersion) + " or newer";
  }
  return out;
}

Loaded load_default() {
  if (const char* env = std::getenv("STRATBENCH_CUPTI_LIBRARY"); env && *env) {
    Loaded l = load_library(env);
    if (!l.error.empty()) l.error += " (from STRATBENCH_CUPTI_LIBRARY)";
    return l;
  }
  const std::string soname = "libcupti.so." + std::to_string(kRequiredVersion / 10000);
  std::vector<std::string> candidates = {soname, "libcupti.so"};
#ifdef STRATBENCH_CUPTI_LIBDIR
  // The toolkit's library directory at configure time: found even when it is not on the
  // loader's search path (no ldconfig entry, no LD_LIBRARY_PATH).
  candidates.push_back(std::string(STRATBENCH_CUPTI_LIBDIR) + "/" + soname);
#endif
  std::string tried;
  Loaded last;
  for (const std::string& c : candidates) {
    last = load_library(c);
    // A library that opens but is wrong (old, incomplete) is the answer: a further candidate
    // would be a different CUPTI than the one the dynamic linker prefers.
    if (last.error.empty() || last.error.rfind("cannot open ", 0) != 0) return last;
    tried += (tried.empty() ? "" : ", ") + c;
  }
  last.error = "libcupti not found (tried " + tried + "; set STRATBENCH_CUPTI_LIBRARY to its path)";
  return last;
}

}  // namespace sb::prof::cupti
