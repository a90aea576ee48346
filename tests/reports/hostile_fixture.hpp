// A results file whose every string is hostile: each of the strings below is live in at
// least one output (Markdown, CSV, a terminal, HTML), and the run puts each of them in
// every field a writer prints. Built on tests/data/hostile_names_run.json, as read from disk.
#pragma once

#include <string>
#include <vector>

#include "stratbench/result/result.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::test {

inline const std::vector<std::string>& hostile_strings() {
  static const std::vector<std::string> v = {
      "[click](https://x)",
      "![img](https://x/y.png)",
      "<script>alert(1)</script>",
      "``` `x` ```",
      "a|b\nc",
      "\x1b[31mred\x1b[0m\x07",
      "\xc2\x9b"
      "6n",    // CSI as a C1 control in UTF-8
      "\xff",  // not UTF-8
      "=HYPERLINK(\"http://x\",\"y\")",
      "+1",
      "-2",
      "@3",
      "@octocat",
      "#123",
      "**bold**",
      "<https://x>",
  };
  return v;
}

// The history store keeps the run as JSON, which must be UTF-8 (a file read from disk is):
// for it, the one invalid string becomes U+FFFD.
inline std::vector<std::string> hostile_strings_utf8() {
  auto v = hostile_strings();
  for (auto& s : v)
    if (s == "\xff") s = "\xef\xbf\xbd";
  return v;
}

inline std::string all_hostile_strings(bool utf8_only = false) {
  std::string s;
  for (const auto& h : utf8_only ? hostile_strings_utf8() : hostile_strings()) s += (s.empty() ? "" : " ") + h;
  return s;
}

// One cell per hostile string, rotated through workload, strategy, device, params, reason,
// unit and id; every third cell failed. Cell 1's throughput is negative, so the CSV test
// can tell a number we wrote from a string we neutralised.
inline RunFile hostile_run(bool utf8_only = false) {
  RunFile r = read_run_file(std::string(STRATBENCH_TEST_DATA) + "/hostile_names_run.json");
  const auto h = utf8_only ? hostile_strings_utf8() : hostile_strings();
  const std::size_t n = h.size();
  const std::string all = all_hostile_strings(utf8_only);
  r.run.id = all;
  r.run.started = h[0];
  r.run.finished = h[1];
  r.run.command = all;
  r.run.git.commit = all;
  r.run.host.cpu = all;
  r.run.host.os = all;
  r.run.host.build_type = h[8];
  const Cell ok = r.cells.front();  // measured: samples, latency, throughput, memory
  r.cells.clear();
  for (std::size_t i = 0; i < n; ++i) {
    Cell c = ok;
    c.id = std::to_string(i) + h[(i + 6) % n];
    c.workload = h[i];
    c.strategy = h[(i + 1) % n];
    c.device = h[(i + 2) % n];
    c.params = {{h[(i + 3) % n], h[(i + 4) % n]}};
    c.reason = h[(i + 5) % n];
    c.metrics.throughput->unit = h[(i + 7) % n];
    if (i == 1) c.metrics.throughput->value = -1.5;
    if (i % 3 == 2) c.status = CellStatus::failed;
    r.cells.push_back(c);
  }
  return r;
}

}  // namespace sb::test
