// libFuzzer target for gate policy files (`stratbench gate --policy FILE`): the reader,
// and a policy it accepts, with no absolute bound (max, min), must pass a run against
// itself: no relative limit or timing rule can fail identical runs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_contract.hpp"
#include "stratbench/reports/gate.hpp"
#include "stratbench/result/result_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sb::fuzz::must_parse_or_name("p.json", [&] {
    const sb::GatePolicy policy = sb::policy_from_json(sb::parse_json_text(text, "p.json"), "p.json");
    sb::RunFile run;
    sb::Cell c;
    c.id = "0000000000000001";
    c.workload = "gemm";
    c.strategy = "naive";
    c.device = "cpu";
    c.status = sb::CellStatus::ok;
    c.samples["time_s"] = {0.001, 0.0011, 0.0009, 0.001};
    c.metrics.latency_ms = sb::Summary{};
    c.metrics.memory.peak_rss_bytes = 1u << 20;
    run.cells.push_back(c);
    bool absolute = false;
    for (const auto& l : policy.limits) absolute = absolute || l.max || l.min;
    if (!absolute && sb::gate_runs(run, run, policy).regression()) std::abort();
  });
  return 0;
}
