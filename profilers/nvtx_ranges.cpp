// The stratbench NVTX domain, its categories and call-site names (nvtx.hpp).
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <initializer_list>

#include "stratbench/profilers/nvtx.hpp"

namespace sb::prof {

const char* category_name(Category c) {
  switch (c) {
    case Category::harness: return "harness";
    case Category::gemm: return "gemm";
    case Category::llm: return "llm";
    case Category::tokenizer: return "tokenizer";
    case Category::corpus: return "corpus";
  }
  return "";
}

#if defined(STRATBENCH_HAVE_NVTX)

nvtxDomainHandle_t stratbench_domain() {
  // Created on first use, after which the tool (if any) knows the categories' names.
  static const nvtxDomainHandle_t d = [] {
    nvtxDomainHandle_t h = nvtxDomainCreateA(kDomainName);
    for (Category c : {Category::harness, Category::gemm, Category::llm, Category::tokenizer, Category::corpus})
      nvtxDomainNameCategoryA(h, static_cast<std::uint32_t>(c), category_name(c));
    return h;
  }();
  return d;
}

RangeName::RangeName(Category c, const char* name) {
  std::memset(&attributes, 0, sizeof attributes);
  attributes.version = NVTX_VERSION;
  attributes.size = NVTX_EVENT_ATTRIB_STRUCT_SIZE;
  attributes.category = static_cast<std::uint32_t>(c);
  // A registered string is a pointer the tool made once; no copy or lookup per range.
  nvtxStringHandle_t s = nvtxDomainRegisterStringA(stratbench_domain(), name);
  if (s) {
    attributes.messageType = NVTX_MESSAGE_TYPE_REGISTERED;
    attributes.message.registered = s;
  } else {
    attributes.messageType = NVTX_MESSAGE_TYPE_ASCII;
    attributes.message.ascii = name;
  }
}

void name_this_thread(const char* name) { nvtxNameOsThreadA(static_cast<std::uint32_t>(::syscall(SYS_gettid)), name); }

#endif

}  // namespace sb::prof
