// The annotation API: NVTX ranges in stratbench's own domain, one category per part
// (harness phases, GEMM, the Llama engine, the tokenizer, the corpus pipeline).
//
//   SB_RANGE(sb::prof::Category::llm, "attention");          // until the end of the scope
//   SB_RANGE_INDEXED(sb::prof::Category::llm, "layer", l);   // the index goes in the payload
//
// Names are registered once per call site (a function-local static), so a range costs an
// NVTX push and pop. Without a listening tool that is an indirect call and a thread-local
// increment (stratbench's own recorder is always the NVTX tool unless Nsight or another
// tool was injected first; see nvtx_recorder.hpp). Built with STRATBENCH_NVTX=OFF, or
// without the nvtx3 headers, the macros compile to nothing.
#pragma once

#include <cstdint>

#if defined(STRATBENCH_HAVE_NVTX)
#include <nvtx3/nvToolsExt.h>
#endif

namespace sb::prof {

// NVTX category ids of the stratbench domain (0 is NVTX's "no category").
enum class Category : std::uint32_t { harness = 1, gemm = 2, llm = 3, tokenizer = 4, corpus = 5 };
const char* category_name(Category c);
// The domain's name, as Nsight Systems shows it.
constexpr const char* kDomainName = "stratbench";

constexpr bool nvtx_compiled_in() {
#if defined(STRATBENCH_HAVE_NVTX)
  return true;
#else
  return false;
#endif
}

#if defined(STRATBENCH_HAVE_NVTX)

nvtxDomainHandle_t stratbench_domain();

// One call site's name: the attributes of its ranges, with the message registered.
class RangeName {
 public:
  RangeName(Category c, const char* name);
  nvtxEventAttributes_t attributes;
};

class ScopedRange {
 public:
  explicit ScopedRange(const RangeName& n) { nvtxDomainRangePushEx(stratbench_domain(), &n.attributes); }
  ScopedRange(const RangeName& n, std::int64_t index) {
    nvtxEventAttributes_t a = n.attributes;
    a.payloadType = NVTX_PAYLOAD_TYPE_INT64;
    a.payload.llValue = index;
    nvtxDomainRangePushEx(stratbench_domain(), &a);
  }
  ~ScopedRange() { nvtxDomainRangePop(stratbench_domain()); }
  ScopedRange(const ScopedRange&) = delete;
  ScopedRange& operator=(const ScopedRange&) = delete;
};

// Names the calling thread in traces ("worker 1"), through NVTX so Nsight sees it too.
void name_this_thread(const char* name);

#define SB_PROF_CAT2(a, b) a##b
#define SB_PROF_CAT(a, b) SB_PROF_CAT2(a, b)
#define SB_RANGE(category, name)                                                            \
  static const ::sb::prof::RangeName SB_PROF_CAT(sb_range_name_, __LINE__)(category, name); \
  const ::sb::prof::ScopedRange SB_PROF_CAT(sb_range_, __LINE__)(SB_PROF_CAT(sb_range_name_, __LINE__))
#define SB_RANGE_INDEXED(category, name, index)                                             \
  static const ::sb::prof::RangeName SB_PROF_CAT(sb_range_name_, __LINE__)(category, name); \
  const ::sb::prof::ScopedRange SB_PROF_CAT(sb_range_, __LINE__)(SB_PROF_CAT(sb_range_name_, __LINE__), (index))

#else

inline void name_this_thread(const char*) {}
#define SB_RANGE(category, name) static_cast<void>(0)
#define SB_RANGE_INDEXED(category, name, index) static_cast<void>(index)

#endif

}  // namespace sb::prof
