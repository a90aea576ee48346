#include "interleave.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>

#include "stratbench/harness/spawn.hpp"
#include "stratbench/reports/paired_gate.hpp"
#include "stratbench/reports/sequential.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"
#include "stratbench/result/text.hpp"

namespace sb::cli {
namespace {

struct ArmRun {
  RunFile run;
  // Per ok cell, the arm's fastest sample: within one process, interference from the rest
  // of the machine only ever adds time, so the minimum is the steadiest summary of an arm.
  std::map<std::string, double> best_s;
};

// Runs `bin run ...` to completion; its output goes to a log beside the results.
ArmRun run_arm(const std::string& bin, const std::vector<std::string>& flags, const std::string& results) {
  std::vector<std::string> args = {bin, "run"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.emplace_back("-o");
  args.push_back(results);
  const std::string log = results + ".out";
  const int code = run_to_file(args, log);
  // 0: all cells ok; 1: some cells failed, which the comparison reports cell by cell.
  if (code != 0 && code != 1) {
    std::string out = read_text_file(log);
    if (out.size() > 2000) out = out.substr(out.size() - 2000);
    throw InputError(bin + " run exited with " + std::to_string(code) + ":\n" + out);
  }
  ArmRun a;
  a.run = read_run_file(results);
  for (const auto& c : a.run.cells) {
    auto it = c.samples.find("time_s");
    if (c.status == CellStatus::ok && it != c.samples.end() && !it->second.empty())
      a.best_s[c.id] = *std::min_element(it->second.begin(), it->second.end());
  }
  return a;
}

// The first three fields of /proc/loadavg, or why not.
std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  if (!(f >> a >> b >> c)) return "unknown (no /proc/loadavg)";
  return a + " " + b + " " + c;
}

struct Stage {
  PairLogRatios log_ratios;       // cell id -> log(candidate/baseline), one per pair
  ArmRun first_base, first_cand;  // for the fixed limits and labels
};

// One AB or BA pair (at random) of the cells in `only` (all when empty), its log ratios
// appended to `st`; the first pair's runs are kept for the fixed limits and labels.
void run_pair(const InterleaveOptions& o, const std::vector<std::string>& only, const std::string& tag, int i, int of,
              std::mt19937_64& rng, Stage& st) {
  std::vector<std::string> common = o.run_flags;
  if (!only.empty()) {
    common.emplace_back("--only-cells");
    common.push_back(join(only, ","));
  }
  auto flags = [&](const std::vector<std::string>& arm) {
    std::vector<std::string> f = common;
    f.insert(f.end(), arm.begin(), arm.end());
    return f;
  };
  {
    const bool base_first = (rng() & 1) == 0;  // AB or BA, at random
    const std::string stem = o.workdir + "/" + tag + "-" + std::to_string(i);
    ArmRun b, c;
    if (base_first) {
      b = run_arm(o.baseline_bin, flags(o.baseline_flags), stem + "-base.json");
      c = run_arm(o.candidate_bin, flags(o.candidate_flags), stem + "-cand.json");
    } else {
      c = run_arm(o.candidate_bin, flags(o.candidate_flags), stem + "-cand.json");
      b = run_arm(o.baseline_bin, flags(o.baseline_flags), stem + "-base.json");
    }
    for (const auto& [id, tb] : b.best_s) {
      auto it = c.best_s.find(id);
      if (it != c.best_s.end() && tb > 0 && it->second > 0) st.log_ratios[id].push_back(std::log(it->second / tb));
    }
    if (i == 0) {
      st.first_base = std::move(b);
      st.first_cand = std::move(c);
    }
    if (!o.quiet)
      std::cerr << "[" << tag << " pair " << i + 1 << "/" << of << "] " << (base_first ? "AB" : "BA") << "\n";
  }
}

Stage run_stage(const InterleaveOptions& o, const std::vector<std::string>& only, const std::string& tag,
                std::mt19937_64& rng) {
  Stage st;
  for (int i = 0; i < o.pairs; ++i) run_pair(o, only, tag, i, o.pairs, rng, st);
  return st;
}

// Sequential pairs: after each pair every undecided cell is looked at, and only those are
// run again, until none is left or the policy's budget is spent.
// The budget is pairs or seconds, whichever runs out first; a pair once started finishes,
// so the time budget can be overrun by one pair. `budget_note` says which one ended it.
Stage run_sequential(const InterleaveOptions& o, const GatePolicy& policy, std::mt19937_64& rng,
                     std::string& budget_note) {
  Stage st;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  std::vector<std::string> undecided;  // empty before the first pair: all cells
  int i = 0;
  for (; i < policy.max_pairs; ++i) {
    run_pair(o, undecided, "sequential", i, policy.max_pairs, rng, st);
    const double alpha = policy.alpha / static_cast<double>(std::max<std::size_t>(st.log_ratios.size(), 1));
    undecided.clear();
    for (const auto& [id, d] : st.log_ratios)
      if (sequential_look(d, alpha, policy.min_ratio).decision == SequentialDecision::more) undecided.push_back(id);
    if (undecided.empty()) break;
    if (policy.max_seconds > 0 && elapsed() >= policy.max_seconds) {
      ++i;
      budget_note = "the time budget of " + fmt_num(policy.max_seconds) + " s ran out after " + std::to_string(i) +
                    " pairs (" + fmt_num(elapsed(), 3) + " s)";
      return st;
    }
  }
  budget_note = std::to_string(std::min(i + 1, policy.max_pairs)) + " pairs in " + fmt_num(elapsed(), 3) + " s";
  if (!undecided.empty()) budget_note += ": the pair budget ran out";
  return st;
}

}  // namespace

InterleaveOutcome run_interleaved_gate(const InterleaveOptions& o, const GatePolicy& policy) {
  if (o.pairs < 5) throw InputError("--pairs must be at least 5 (fewer cannot reach p < 0.05 with a signed-rank test)");
  std::filesystem::create_directories(o.workdir);
  const std::string load_before = load_average();
  std::mt19937_64 rng(o.seed);
  if (policy.max_pairs > 0) {
    std::string budget_note;
    const Stage s = run_sequential(o, policy, rng, budget_note);
    InterleaveOutcome out;
    out.gate = sequential_gate(s.first_base.run, s.first_cand.run, policy, s.log_ratios);
    out.gate.notes.push_back("sequential pairs: " + budget_note);
    out.gate.notes.push_back("load average (1, 5, 15 min) before the pairs: " + load_before +
                             "; after: " + load_average());
    out.confirmed = out.gate.regressions();
    return out;
  }
  const Stage s1 = run_stage(o, {}, "stage1", rng);
  const auto j1 = judge_pairs(s1.log_ratios);
  const std::vector<std::string> suspects = paired_suspects(j1, policy);
  std::map<std::string, PairedVerdict> j2;
  if (!suspects.empty()) j2 = judge_pairs(run_stage(o, suspects, "stage2", rng).log_ratios);

  InterleaveOutcome out;
  out.gate = paired_gate(s1.first_base.run, s1.first_cand.run, policy, j1, j2, o.pairs);
  // What the machine was doing: a loaded one widens the pairs' noise, and with it what
  // the gate could see (each cell's timing detail says how much).
  out.gate.notes.push_back("load average (1, 5, 15 min) before the pairs: " + load_before +
                           "; after: " + load_average());
  out.stage1_suspects = static_cast<int>(suspects.size());
  for (const auto& cell : out.gate.cells)
    for (const auto& check : cell.checks) out.confirmed += check.rule == "timing" && check.failed;
  return out;
}

}  // namespace sb::cli
