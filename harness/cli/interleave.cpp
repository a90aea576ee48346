#include "interleave.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>

#include "stratbench/reports/inference.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

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
  args.push_back("-o");
  args.push_back(results);
  const std::string log = results + ".out";
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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

struct Stage {
  std::map<std::string, std::vector<double>> log_ratios;  // cell id -> log(candidate/baseline), one per pair
  ArmRun first_base, first_cand;                          // for the fixed limits and labels
};

Stage run_stage(const InterleaveOptions& o, const std::vector<std::string>& only, const std::string& tag,
                std::mt19937_64& rng) {
  Stage st;
  std::vector<std::string> common = o.run_flags;
  if (!only.empty()) {
    std::string ids;
    for (const auto& id : only) ids += (ids.empty() ? "" : ",") + id;
    common.push_back("--only-cells");
    common.push_back(ids);
  }
  auto flags = [&](const std::vector<std::string>& arm) {
    std::vector<std::string> f = common;
    f.insert(f.end(), arm.begin(), arm.end());
    return f;
  };
  for (int i = 0; i < o.pairs; ++i) {
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
    if (!o.quiet) std::cerr << "[" << tag << " pair " << i + 1 << "/" << o.pairs << "] " << (base_first ? "AB" : "BA") << "\n";
  }
  return st;
}

struct Judged {
  double p = 1, p_holm = 1, ratio = 1;
  int n = 0;
};

std::map<std::string, Judged> judge(const Stage& st) {
  std::map<std::string, Judged> out;
  std::vector<std::string> ids;
  std::vector<double> ps;
  for (const auto& [id, d] : st.log_ratios) {
    Judged j;
    j.n = static_cast<int>(d.size());
    if (d.size() >= 2) {
      j.p = inference::wilcoxon_signed_rank(d, inference::Alternative::greater).p;
      j.ratio = std::exp(inference::hodges_lehmann_pseudomedian(d));
    }
    out[id] = j;
    ids.push_back(id);
    ps.push_back(j.p);
  }
  const auto holm = inference::holm_adjust(ps);
  for (std::size_t k = 0; k < ids.size(); ++k) out[ids[k]].p_holm = holm[k];
  return out;
}

}  // namespace

InterleaveOutcome run_interleaved_gate(const InterleaveOptions& o, const GatePolicy& policy) {
  if (o.pairs < 5) throw InputError("--pairs must be at least 5 (fewer cannot reach p < 0.05 with a signed-rank test)");
  std::filesystem::create_directories(o.workdir);
  std::mt19937_64 rng(o.seed);
  const Stage s1 = run_stage(o, {}, "stage1", rng);
  const auto j1 = judge(s1);
  std::vector<std::string> suspects;
  for (const auto& [id, j] : j1)
    if (j.p_holm < policy.alpha && j.ratio > policy.min_ratio) suspects.push_back(id);

  std::map<std::string, Judged> j2;
  if (!suspects.empty()) j2 = judge(run_stage(o, suspects, "stage2", rng));

  // Fixed limits and lost cells from the first pair; timing replaced by the paired verdict.
  InterleaveOutcome out;
  out.gate = gate_runs(s1.first_base.run, s1.first_cand.run, policy);
  out.gate.timing_rule = "interleaved pairs (" + std::to_string(o.pairs) +
                         " per stage, random AB/BA order, a fresh process per arm, each arm's fastest sample), "
                         "one-sided Wilcoxon "
                         "signed-rank on log ratios, Holm-adjusted p < " + fmt_num(policy.alpha) +
                         " and ratio > " + fmt_num(policy.min_ratio) + " in stage 1, confirmed in an independent "
                         "stage 2 at p < " + fmt_num(policy.confirm_alpha);
  out.stage1_suspects = static_cast<int>(suspects.size());
  for (auto& cell : out.gate.cells) {
    std::erase_if(cell.checks, [](const GateCheck& c) { return c.rule == "timing"; });
    auto it1 = j1.find(cell.id);
    if (it1 == j1.end()) continue;
    const Judged& a = it1->second;
    std::string detail = "stage 1: ratio " + fmt_num(a.ratio) + ", p " + fmt_num(a.p, 3) + " (Holm " +
                         fmt_num(a.p_holm, 3) + ", " + std::to_string(a.n) + " pairs)";
    bool regression = false;
    if (auto it2 = j2.find(cell.id); it2 != j2.end()) {
      const Judged& b = it2->second;
      regression = b.p_holm < policy.confirm_alpha && b.ratio > policy.min_ratio;
      detail += "; stage 2: ratio " + fmt_num(b.ratio) + ", p " + fmt_num(b.p, 3) + " (Holm " + fmt_num(b.p_holm, 3) +
                ") — " + (regression ? "confirmed" : "not confirmed");
    }
    out.confirmed += regression;
    cell.checks.insert(cell.checks.begin(), {"timing", regression, detail});
  }
  return out;
}

}  // namespace sb::cli
