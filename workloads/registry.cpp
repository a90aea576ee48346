// The built-in workloads, listed in one place.

#include "stratbench/workloads/gemm_workload.hpp"
#include "stratbench/workloads/llm/llm_workloads.hpp"
#include "stratbench/workloads/serve/serve_workload.hpp"
#include "stratbench/workloads/text/text_workloads.hpp"
#include "stratbench/workloads/workload.hpp"

namespace sb {

static std::vector<std::unique_ptr<Workload>>& mutable_registry() {
  static std::vector<std::unique_ptr<Workload>> r = [] {
    std::vector<std::unique_ptr<Workload>> v;
    v.push_back(make_gemm_workload());
    v.push_back(make_tokenize_workload());
    v.push_back(make_corpus_workload());
    v.push_back(make_prefill_workload());
    v.push_back(make_decode_workload());
    v.push_back(make_generate_workload());
    v.push_back(make_attention_workload());
    v.push_back(make_serve_workload());
    return v;
  }();
  return r;
}

const std::vector<std::unique_ptr<Workload>>& workloads() { return mutable_registry(); }

const Workload* find_workload(const std::string& name) {
  for (const auto& w : workloads())
    if (w->info().name == name) return w.get();
  return nullptr;
}

void register_workload(std::unique_ptr<Workload> w) { mutable_registry().push_back(std::move(w)); }

}  // namespace sb
