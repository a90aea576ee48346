#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <limits>

#include <sstream>

#include "commands.hpp"
#include "flags.hpp"
#include "interleave.hpp"
#include "stratbench/reports/gate.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {
namespace {

struct GateCliOptions {
  std::string policy, summary, junit;
  bool force = false;
  bool interleave = false;
  InterleaveOptions il;
};

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

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
      {"--interleave", "", "", "run both binaries here in random AB/BA pairs instead of reading BASE NEW",
       [](GateCliOptions& o, const std::string&) { o.interleave = true; }},
      {"--baseline-bin", "", "PATH", "with --interleave: the baseline stratbench binary",
       [](GateCliOptions& o, const std::string& v) { o.il.baseline_bin = v; }},
      {"--candidate-bin", "", "PATH", "with --interleave: the candidate stratbench binary",
       [](GateCliOptions& o, const std::string& v) { o.il.candidate_bin = v; }},
      {"--baseline-flags", "", "\"FLAGS\"", "extra `run` flags for the baseline arm only",
       [](GateCliOptions& o, const std::string& v) { o.il.baseline_flags = split_words(v); }},
      {"--candidate-flags", "", "\"FLAGS\"",
       "extra `run` flags for the candidate arm only (e.g. --inject-slowdown 0.05)",
       [](GateCliOptions& o, const std::string& v) { o.il.candidate_flags = split_words(v); }},
      {"--pairs", "", "N", "pairs per stage (default 20)",
       [](GateCliOptions& o, const std::string& v) {
         o.il.pairs = static_cast<int>(parse_int_in("--pairs", v, 1, 100000));
       }},
      {"--seed", "", "N", "seed of the random AB/BA order (default 1)",
       [](GateCliOptions& o, const std::string& v) {
         o.il.seed = static_cast<std::uint64_t>(parse_int_in("--seed", v, 0, std::numeric_limits<long long>::max()));
       }},
      {"--workdir", "", "DIR", "where the arms' results go (default results/gate-<pid>)",
       [](GateCliOptions& o, const std::string& v) { o.il.workdir = v; }},
      {"--quiet", "-q", "", "no progress lines", [](GateCliOptions& o, const std::string&) { o.il.quiet = true; }},
      {"--help", "-h", "", "this help", [](GateCliOptions&, const std::string&) {}},
  };
  return t;
}

}  // namespace

int cmd_gate(const Args& args) {
  if (wants_help(args)) {
    std::cout
        << "usage: stratbench gate --policy FILE BASE NEW [--summary OUT.md] [--junit OUT.xml] [--force]\n"
           "       stratbench gate --policy FILE --interleave --baseline-bin OLD --candidate-bin NEW\n"
           "                       [--pairs N] [--candidate-flags \"...\"] ... -- RUN_FLAGS (-w gemm -s ... -p ...)\n\n"
           "Exit 0: no regression. Exit 1: a regression (a timing slower beyond the policy's alpha and minimum\n"
           "ratio, or a fixed limit broken, or a cell lost). Exit 2: bad input.\n\n"
        << flags_help(gate_flags());
    return 0;
  }
  GateCliOptions o;
  std::vector<std::string> pos;
  // Everything after "--" belongs to the arms' `run` (the matrix), not to gate.
  Args own = args;
  if (auto it = std::find(own.begin(), own.end(), "--"); it != own.end()) {
    o.il.run_flags.assign(it + 1, own.end());
    own.erase(it, own.end());
  }
  parse_flags(gate_flags(), own, o, pos);
  if (o.policy.empty()) throw InputError("gate needs --policy FILE");
  // Checked before any work: a verdict that cannot be written would be lost.
  if (!o.summary.empty()) check_output_path(o.summary);
  if (!o.junit.empty()) check_output_path(o.junit);
  const GatePolicy policy = read_policy_file(o.policy);
  GateResult r;
  if (o.interleave) {
    if (!pos.empty()) throw InputError("gate --interleave runs both arms itself: it takes no BASE NEW files");
    if (o.il.baseline_bin.empty() || o.il.candidate_bin.empty())
      throw InputError("gate --interleave needs --baseline-bin and --candidate-bin");
    for (const auto& b : {o.il.baseline_bin, o.il.candidate_bin})
      if (::access(b.c_str(), X_OK) != 0) throw InputError(b + ": not an executable file");
    if (o.il.run_flags.empty())
      throw InputError("gate --interleave needs the matrix after --, e.g. -- -w gemm -p m=256");
    if (o.il.workdir.empty()) o.il.workdir = "results/gate-" + std::to_string(::getpid());
    InterleaveOutcome io = run_interleaved_gate(o.il, policy);
    r = std::move(io.gate);
  } else {
    if (pos.size() != 2) throw InputError("gate takes two results files: BASE NEW");
    const RunFile base = read_run_file(pos[0]);
    const RunFile next = read_run_file(pos[1]);
    r = gate_runs(base, next, policy);
  }
  require_comparable(r.mismatches, o.force);
  const std::string md = gate_markdown(r);
  if (!o.summary.empty()) write_text_file_atomic(o.summary, md);
  if (!o.junit.empty()) write_text_file_atomic(o.junit, gate_junit(r));
  std::cout << md;
  return r.regression() ? 1 : 0;
}

}  // namespace sb::cli
