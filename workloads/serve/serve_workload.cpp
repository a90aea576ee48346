#include "stratbench/workloads/serve/serve_workload.hpp"

#include <stdexcept>

#include "stratbench/workloads/llm/llm_workloads.hpp"

namespace sb {
namespace {

class ServeWorkload final : public Workload {
 public:
  const WorkloadInfo& info() const override {
    static const WorkloadInfo i{
        .name = "serve",
        .description =
            "the question-answering server (stratbench serve) under an open-loop load of rate "
            "requests/s (stratbench load): samples are each request's end to end, TTFT and TPOT; "
            "counters the percentiles, goodput under the SLO, errors and the server's KV use",
        .params =
            {model_param("small"),
             {.name = "rate", .help = "requests per second (Poisson arrivals)", .default_value = "2", .max = 100000},
             {.name = "requests",
              .help = "requests sent (the first and last 10% not measured)",
              .default_value = "40",
              .max = 1000000},
             {.name = "dataset",
              .help = "qa, or shared-prefix (one long system prefix before every prompt)",
              .default_value = "qa",
              .choices = {"qa", "shared-prefix"}},
             {.name = "slots",
              .help = "requests in the server's running batch at most",
              .default_value = "8",
              .max = 1024},
             {.name = "kv_positions",
              .help = "the server's KV memory in token positions (0: slots x context); the same memory for "
                      "kv=contiguous and kv=paged",
              .default_value = "0",
              .min = 0,
              .max = 1 << 26},
             {.name = "slo",
              .help = "the objective goodput counts",
              .default_value = "ttft=1000ms,tpot=100ms",
              .free_text = true},
             {.name = "redis",
              .help = "answer_cache=redis: the redis-server, HOST:PORT",
              .default_value = "127.0.0.1:6379",
              .free_text = true}},
        .knobs = {"precision", "simd", "layout", "threads", "fusion", "memory", "sparsity", "prune", "lowrank", "share",
                  "sched", "kv", "prefix_cache", "answer_cache"},
        .throughput_unit = "tokens/s",
        .runs_as_processes = true};
    return i;
  }

  std::string unsupported(const Strategy& s, const Params& p, const std::string& device) const override {
    if (auto r = Workload::unsupported(s, p, device); !r.empty()) return r;
    if (s.k.prefix_cache && s.k.kv != Kv::paged) return "prefix_cache=on shares blocks of a paged pool: add kv=paged";
    return engine_unsupported(s);
  }

  std::unique_ptr<Instance> prepare(const Strategy&, const Params&, const std::string&) const override {
    throw std::logic_error("serve cells run as processes (harness/load/serve_cell.hpp), never through prepare()");
  }
};

}  // namespace

std::unique_ptr<Workload> make_serve_workload() { return std::make_unique<ServeWorkload>(); }

}  // namespace sb
