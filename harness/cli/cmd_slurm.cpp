#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/harness/cell_process.hpp"
#include "stratbench/harness/host_info.hpp"
#include "stratbench/harness/run_log.hpp"
#include "stratbench/harness/slurm_script.hpp"
#include "stratbench/harness/spawn.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/json_fields.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {
namespace {

namespace fs = std::filesystem;

struct SlurmCliOptions {
  SlurmJob job;
  std::string output;
  bool dry_run = false;
};

const std::vector<Flag<SlurmCliOptions>>& submit_flags() {
  static const std::vector<Flag<SlurmCliOptions>> t = {
      {"--shards", "", "N", "the number of shards: one array task each (required)",
       [](SlurmCliOptions& o, const std::string& v) {
         o.job.shards = static_cast<int>(parse_int_in("--shards", v, 1, 100000));
       }},
      {"--output", "-o", "FILE", "the merged results file (required); scripts, shards and logs go to FILE.slurm/",
       [](SlurmCliOptions& o, const std::string& v) { o.output = v; }},
      {"--partition", "-p", "P", "the Slurm partition",
       [](SlurmCliOptions& o, const std::string& v) { o.job.partition = v; }},
      {"--time", "-t", "T", "each task's time limit (Slurm's format, e.g. 2:00:00)",
       [](SlurmCliOptions& o, const std::string& v) { o.job.time = v; }},
      {"--account", "-A", "A", "the Slurm account",
       [](SlurmCliOptions& o, const std::string& v) { o.job.account = v; }},
      {"--shared-nodes", "", "", "let tasks share a node (default: --exclusive, a whole node per shard)",
       [](SlurmCliOptions& o, const std::string&) { o.job.exclusive = false; }},
      {"--sbatch-arg", "", "ARG",
       "one more #SBATCH line for both jobs, e.g. --sbatch-arg=--constraint=avx512 (repeatable)",
       [](SlurmCliOptions& o, const std::string& v) { o.job.sbatch_args.push_back(v); }},
      {"--history", "", "URL", "after the merge, add the run to this history database (postgresql://… or a file)",
       [](SlurmCliOptions& o, const std::string& v) { o.job.history = v; }},
      {"--dry-run", "-n", "", "write the scripts and print them; submit nothing",
       [](SlurmCliOptions& o, const std::string&) { o.dry_run = true; }},
      {"--help", "-h", "", "this help", [](SlurmCliOptions&, const std::string&) {}},
  };
  return t;
}

// The program's path from $PATH, as a shell finds it; empty when absent.
std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const fs::path p = fs::path(dirs.substr(start, end - start)) / name;
    if (end > start && ::access(p.c_str(), X_OK) == 0) return p.string();
    start = end + 1;
  }
  return "";
}

// Runs a program to its end; its stdout and stderr together, and its exit code.
std::pair<int, std::string> run_program(const std::vector<std::string>& argv, const std::string& capture) {
  const int code = run_to_file(argv, capture);
  return {code, read_text_file(capture)};
}

std::string sbatch(const std::vector<std::string>& args, const std::string& dir, const std::string& what) {
  const std::string bin = find_program("sbatch");
  if (bin.empty()) throw InputError("slurm submit: sbatch is not on PATH (is this a Slurm login node?)");
  std::vector<std::string> argv = {bin, "--parsable"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto [code, out] = run_program(argv, dir + "/logs/sbatch-" + what + ".out");
  if (code != 0)
    throw InputError("slurm submit: sbatch of the " + what + " job failed (exit " + std::to_string(code) + "):\n" +
                     out);
  std::string id = out.substr(0, out.find_first_of(";\n"));  // "123" or "123;cluster"
  if (id.empty()) throw InputError("slurm submit: sbatch printed no job id:\n" + out);
  return id;
}

int submit(const Args& args) {
  SlurmCliOptions o;
  std::vector<std::string> positional;
  Args own = args;
  const auto dashes = std::find(own.begin(), own.end(), "--");
  if (dashes != own.end()) {
    o.job.run_flags.assign(dashes + 1, own.end());
    own.erase(dashes, own.end());
  }
  parse_flags(submit_flags(), own, o, positional);
  if (!positional.empty())
    throw InputError("slurm submit: unexpected argument '" + positional[0] + "' (run flags go after --)");
  if (o.job.shards == 0) throw InputError("slurm submit: --shards N is required");
  if (o.output.empty()) throw InputError("slurm submit: -o RUN.json is required");
  for (const auto& f : o.job.run_flags)
    if (f == "-o" || f.rfind("--output", 0) == 0 || f.rfind("--shard", 0) == 0 || f.rfind("--resume", 0) == 0)
      throw InputError("slurm submit: run flag '" + f + "' is set by the job itself (give -o before --)");
  check_output_path(o.output);
  o.job.stratbench = fs::absolute(self_executable()).string();
  o.job.output = fs::absolute(o.output).string();
  fs::path dir = fs::path(o.job.output);
  dir.replace_extension(".slurm");
  o.job.dir = dir.string();
  fs::create_directories(dir / "logs");
  // The matrix is checked here, by the same binary the tasks run, before anything is queued.
  std::vector<std::string> plan = {o.job.stratbench, "run", "--dry-run"};
  plan.insert(plan.end(), o.job.run_flags.begin(), o.job.run_flags.end());
  auto [code, text] = run_program(plan, o.job.dir + "/plan.txt");
  if (code != 0) throw InputError("slurm submit: the run flags are not a valid matrix:\n" + text);
  write_text_file_atomic(o.job.dir + "/shards.sbatch", shards_script(o.job));
  write_text_file_atomic(o.job.dir + "/merge.sbatch", merge_script(o.job));
  if (o.dry_run) {
    std::cout << read_text_file(o.job.dir + "/shards.sbatch") << "\n" << read_text_file(o.job.dir + "/merge.sbatch");
    return 0;
  }
  const std::string array = sbatch({o.job.dir + "/shards.sbatch"}, o.job.dir, "shards");
  const std::string merge = sbatch({"--dependency=afterany:" + array, o.job.dir + "/merge.sbatch"}, o.job.dir, "merge");
  nlohmann::json sub = {{"shards", o.job.shards},
                        {"array_job", array},
                        {"merge_job", merge},
                        {"output", o.job.output},
                        {"submitted", utc_timestamp()}};
  write_text_file_atomic(o.job.dir + "/submission.json", sub.dump(2) + "\n");
  std::cout << "submitted: array job " << array << " (" << o.job.shards << " shards), merge job " << merge
            << " after it\nscripts:   " << o.job.dir << "/\nprogress:  stratbench slurm status " << o.job.dir << "\n";
  return 0;
}

int status(const Args& args) {
  if (args.size() != 1) throw InputError("usage: stratbench slurm status DIR (the RUN.slurm folder)");
  const std::string& dir = args[0];
  const nlohmann::json sub = parse_json_text(read_text_file(dir + "/submission.json"), dir + "/submission.json");
  const jf::Path root{dir + "/submission.json", ""};
  const int n = static_cast<int>(jf::int_in(jf::need(sub, "shards", root), root / "shards", 1, 100000));
  const std::string output = jf::str(jf::need(sub, "output", root), root / "output");
  TextTable t({"shard", "cells", "done", "failed", "state"});
  int finished = 0;
  for (int k = 1; k <= n; ++k) {
    const std::string stem = dir + "/shard-" + std::to_string(k);
    const std::string name = std::to_string(k) + "/" + std::to_string(n);
    if (!fs::exists(stem + ".jsonl")) {
      t.add_row({name, "", "0", "0", "not started"});
      continue;
    }
    const RunLogContents log = read_run_log(stem + ".jsonl");
    int failed = 0;
    for (const auto& c : log.cells) failed += c.status == CellStatus::failed || c.status == CellStatus::timeout;
    const std::size_t total = log.header.shard ? log.header.shard->cells.size() : 0;
    const bool done = fs::exists(stem + ".json") && log.cells.size() >= total;
    finished += done;
    t.add_row({name, std::to_string(total), std::to_string(log.cells.size()), std::to_string(failed),
               done ? "finished" : "running or stopped"});
  }
  std::cout << t.render() << "\n"
            << finished << " of " << n << " shards finished; merged run: "
            << (fs::exists(output) ? output : "not yet (" + dir + "/logs/merge.out)") << "\n";
  if (finished < n)
    std::cout << "a stopped shard K resumes with: sbatch --array=$((K-1)) " << dir << "/shards.sbatch, then sbatch "
              << dir << "/merge.sbatch\n";
  return 0;
}

}  // namespace

int cmd_slurm(const Args& args, const std::string&) {
  if (args.empty() || wants_help(args) || (args[0] != "submit" && args[0] != "status")) {
    std::cout << "usage: stratbench slurm submit --shards N -o RUN.json [options] -- RUN FLAGS\n"
                 "       stratbench slurm status RUN.slurm\n\n"
                 "submit writes RUN.slurm/shards.sbatch (a job array: task K runs `run --shard K/N`, a whole node\n"
                 "each) and RUN.slurm/merge.sbatch (a job after the array: `merge` into RUN.json), and submits\n"
                 "both with sbatch. status shows each shard's progress from its log.\n\n"
              << flags_help(submit_flags());
    if (args.empty() || wants_help(args)) return 0;
    throw InputError("slurm: unknown subcommand '" + args[0] + "' (submit, status)");
  }
  const Args rest(args.begin() + 1, args.end());
  return args[0] == "submit" ? submit(rest) : status(rest);
}

}  // namespace sb::cli
