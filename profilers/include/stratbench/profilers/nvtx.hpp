// NVTX ranges around the phases of a cell (prepare, warmup, measure, ...).
// Compiled in when the nvtx3 headers were found at configure time; otherwise a no-op.
// Without an attached tool (Nsight Systems, CUPTI) a push/pop costs a few instructions.
#pragma once

#if defined(STRATBENCH_HAVE_NVTX)
#include <nvtx3/nvToolsExt.h>
#endif

namespace sb::prof {

class ScopedRange {
 public:
  explicit ScopedRange([[maybe_unused]] const char* name) {
#if defined(STRATBENCH_HAVE_NVTX)
    nvtxRangePushA(name);
#endif
  }
  ~ScopedRange() {
#if defined(STRATBENCH_HAVE_NVTX)
    nvtxRangePop();
#endif
  }
  ScopedRange(const ScopedRange&) = delete;
  ScopedRange& operator=(const ScopedRange&) = delete;
};

constexpr bool nvtx_compiled_in() {
#if defined(STRATBENCH_HAVE_NVTX)
  return true;
#else
  return false;
#endif
}

}  // namespace sb::prof
