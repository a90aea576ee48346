// libFuzzer target for results files (`report`, `compare`, `gate`, `history add`, the
// GUI): the reader, then every writer and compare/gate of the run against itself, which
// must not fail on anything the reader accepted.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_contract.hpp"
#include "stratbench/reports/compare.hpp"
#include "stratbench/reports/gate.hpp"
#include "stratbench/reports/writer.hpp"
#include "stratbench/result/result_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sb::RunFile run;
  bool ok = false;
  sb::fuzz::must_parse_or_name("r.json", [&] {
    run = sb::run_from_json(sb::parse_json_text(text, "r.json"), "r.json");
    ok = true;
  });
  if (!ok || run.cells.size() > 64) return 0;  // big runs only slow the search down
  std::ostringstream out;
  for (const auto& name : {"table", "md", "csv", "json", "html", "gbench"}) {
    auto w = sb::make_writer(name, out);
    if (!w) std::abort();
    sb::write_report(*w, run);
  }
  sb::CompareOptions copt;
  copt.resamples = 200;  // the statistics' cost, not their quality, is at stake here
  sb::compare_runs(run, run, copt);
  sb::gate_runs(run, run, sb::GatePolicy{});
  return 0;
}
