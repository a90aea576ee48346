#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/reports/gate.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {
namespace {

struct GateCliOptions {
  std::string policy, summary, junit;
  bool force = false;
};

const std::vector<Flag<GateCliOptions>>& gate_flags() {
  static const std::vector<Flag<GateCliOptions>> t = {
      {"--policy", "", "FILE", "the policy (JSON, schema stratbench/policy/v1); required",
       [](GateCliOptions& o, const std::string& v) { o.policy = v; }},
      {"--summary", "", "FILE", "write a Markdown summary (for a pull-request comment)",
       [](GateCliOptions& o, const std::string& v) { o.summary = v; }},
      {"--junit", "", "FILE", "write JUnit XML (one test case per cell)",
       [](GateCliOptions& o, const std::string& v) { o.junit = v; }},
      {"--force", "", "", "judge runs from different hosts or configurations anyway",
       [](GateCliOptions& o, const std::string&) { o.force = true; }},
      {"--help", "-h", "", "this help", [](GateCliOptions&, const std::string&) {}},
  };
  return t;
}

}  // namespace

int cmd_gate(const Args& args) {
  if (wants_help(args)) {
    std::cout << "usage: stratbench gate --policy FILE BASE NEW [--summary OUT.md] [--junit OUT.xml] [--force]\n\n"
                 "Exit 0: no regression. Exit 1: a regression (a timing slower beyond the policy's alpha and minimum\n"
                 "ratio, or a fixed limit broken, or a cell lost). Exit 2: bad input.\n\n"
              << flags_help(gate_flags());
    return 0;
  }
  GateCliOptions o;
  std::vector<std::string> pos;
  parse_flags(gate_flags(), args, o, pos);
  if (o.policy.empty()) throw InputError("gate needs --policy FILE");
  if (pos.size() != 2) throw InputError("gate takes two results files: BASE NEW");
  const GatePolicy policy = read_policy_file(o.policy);
  const RunFile base = read_run_file(pos[0]);
  const RunFile next = read_run_file(pos[1]);
  const GateResult r = gate_runs(base, next, policy);
  require_comparable(r.mismatches, o.force);
  const std::string md = gate_markdown(r, policy);
  if (!o.summary.empty()) write_text_file_atomic(o.summary, md);
  if (!o.junit.empty()) write_text_file_atomic(o.junit, gate_junit(r));
  std::cout << md;
  return r.regression() ? 1 : 0;
}

}  // namespace sb::cli
