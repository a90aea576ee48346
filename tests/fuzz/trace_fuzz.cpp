// libFuzzer target for trace files (`trace summarize`, `trace diff`, later the GUI's
// timeline): the reader, then the summary and every format, and the diff of the trace
// with itself, which must not fail on anything the reader accepted.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_contract.hpp"
#include "stratbench/reports/trace_read.hpp"
#include "stratbench/reports/trace_summary.hpp"
#include "stratbench/result/result_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sb::TraceData t;
  bool ok = false;
  sb::fuzz::must_parse_or_name("t.json", [&] {
    t = sb::trace_from_json(sb::parse_json_text(text, "t.json"), "t.json");
    ok = true;
  });
  if (!ok) return 0;
  sb::fuzz::must_parse_or_name("t.json", [&] {
    const sb::TraceSummary s = sb::summarize_trace(t);
    const sb::TraceDiff d = sb::diff_traces(s, s);
    for (const auto& f : sb::trace_formats()) {
      f.summary(s);
      f.diff(d);
    }
  });
  return 0;
}
