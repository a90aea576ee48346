// Google Benchmark-compatible JSON, so tools built for it (compare.py,
// github-action-benchmark) read our results: one "iteration" entry per sample, and the
// mean / median / stddev / cv aggregates that Google Benchmark itself emits.
// We time wall clock only; "cpu_time" repeats "real_time" so those tools accept the file,
// and the context says so ("cpu_time_is_real_time").
#include <cmath>

#include <nlohmann/json.hpp>

#include "stratbench/result/stats.hpp"
#include "writers.hpp"

namespace sb {
namespace {

using nlohmann::json;

class GbenchWriter final : public Writer {
 public:
  explicit GbenchWriter(std::ostream& out) : out_(out) {}

  void begin(const RunFile& run) override {
    const auto& h = run.run;
    doc_["context"] = {{"date", h.started},
                       {"host_name", h.host.cpu},
                       {"executable", "stratbench"},
                       {"num_cpus", h.host.cores},
                       {"mhz_per_cpu", 0},
                       {"cpu_scaling_enabled", false},
                       {"caches", json::array()},
                       {"library_build_type", h.host.build_type},
                       {"stratbench_run_id", h.id},
                       {"stratbench_commit", h.git.commit},
                       {"cpu_time_is_real_time", true}};
    doc_["benchmarks"] = json::array();
  }

  void record(const Cell& c) override {
    if (c.status != CellStatus::ok) return;  // Google Benchmark has no place for skipped or failed runs
    auto it = c.samples.find("time_s");
    if (it == c.samples.end() || it->second.empty()) return;
    const auto& s = it->second;
    const std::string name = c.workload + "/" + c.strategy + "/" + params_to_string(c.params) + "/" + c.device;
    const auto iters = c.metrics.stopping ? c.metrics.stopping->iterations_per_sample : 1;
    const int family = family_++;
    auto entry = [&](const std::string& run_type, const std::string& entry_name, double seconds, int index) {
      json e = {{"name", entry_name},
                {"family_index", family},
                {"per_family_instance_index", 0},
                {"run_name", name},
                {"run_type", run_type},
                {"repetitions", s.size()},
                {"threads", 1},
                {"iterations", iters},
                {"real_time", seconds * 1e3},
                {"cpu_time", seconds * 1e3},
                {"time_unit", "ms"}};
      if (index >= 0) e["repetition_index"] = index;
      return e;
    };
    for (std::size_t i = 0; i < s.size(); ++i)
      doc_["benchmarks"].push_back(entry("iteration", name, s[i], static_cast<int>(i)));
    const Summary sum = stats::summarize(s);
    for (auto [agg, v] :
         {std::pair<const char*, double>{"mean", sum.mean}, {"median", sum.p50}, {"stddev", sum.stddev}}) {
      json e = entry("aggregate", name + "_" + agg, v, -1);
      e["aggregate_name"] = agg;
      doc_["benchmarks"].push_back(e);
    }
    json cv = entry("aggregate", name + "_cv", sum.cv, -1);
    cv["aggregate_name"] = "cv";
    cv["aggregate_unit"] = "percentage";
    cv["real_time"] = sum.cv;
    cv["cpu_time"] = sum.cv;
    doc_["benchmarks"].push_back(cv);
  }

  // As in json_writer.cpp: control characters are escaped by nlohmann, bytes that are not
  // UTF-8 become U+FFFD rather than an exception.
  void end() override { out_ << doc_.dump(2, ' ', false, json::error_handler_t::replace) << "\n"; }

 private:
  std::ostream& out_;
  json doc_;
  int family_ = 0;
};

}  // namespace

std::unique_ptr<Writer> make_gbench_writer(std::ostream& out) { return std::make_unique<GbenchWriter>(out); }

}  // namespace sb
