#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/harness/matrix.hpp"
#include "stratbench/harness/option_table.hpp"
#include "stratbench/harness/run_matrix.hpp"
#include "stratbench/profilers/profiler.hpp"
#include "stratbench/reports/history_store.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/reports/writer.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {
namespace {

struct RunCliOptions {
  MatrixGroup group;  // from -w/-s/-p/--device
  bool group_given = false;
  bool strategies_given = false, devices_given = false;
  std::string matrix_file, output, resume;
  bool retry_failed = false, dry_run = false;
  OptionValues overrides;              // measure/runner fields set by flags (option_table.hpp)
  std::vector<const OptionSpec*> set;  // which of them, so a matrix file's values are kept otherwise
  std::vector<std::string> only_cells;
  std::vector<std::string> profilers;  // --profile and --trace
  int trace_iters = 0;                 // 0: the matrix's (default 3)
  bool profile_given = false;
  ShardRequest shard;  // --shard K/N
  std::string shard_costs;
};

// A flag row for each option of the table: parsed by its type, range-checked at once.
Flag<RunCliOptions> option_flag(const OptionSpec& row) {
  const std::string help = std::string(row.help) + " (default " + option_text(row, OptionValues{}) + ")";
  return {row.flag, "", row.value_name, help, [&row](RunCliOptions& o, const std::string& v) {
            double x = 0;
            if (std::holds_alternative<int MeasureOptions::*>(row.field)) {
              x = static_cast<double>(
                  parse_int_in(row.flag, v, static_cast<long long>(row.min), static_cast<long long>(row.max)));
            } else if (auto* bytes = std::get_if<std::uint64_t RunnerOptions::*>(&row.field)) {
              o.overrides.runner.** bytes = parse_size(row.flag, v);
              o.set.push_back(&row);
              return;
            } else {
              x = parse_double(row.flag, v);
            }
            set_option(row, x, o.overrides);
            check_option(row, o.overrides, "");
            o.set.push_back(&row);
          }};
}

const std::vector<Flag<RunCliOptions>>& run_flags() {
  static const std::vector<Flag<RunCliOptions>> t = {
      {"--workload", "-w", "LIST", "workloads, comma-separated (see `stratbench list workloads`)",
       [](RunCliOptions& o, const std::string& v) {
         auto l = split_list("--workload", v);
         o.group.workloads.insert(o.group.workloads.end(), l.begin(), l.end());
         o.group_given = true;
       }},
      {"--strategy", "-s", "LIST", "strategies, comma-separated; presets compose with + (blocked+simd+threads=2)",
       [](RunCliOptions& o, const std::string& v) {
         if (!o.strategies_given) o.group.strategies.clear();
         auto l = split_list("--strategy", v);
         o.group.strategies.insert(o.group.strategies.end(), l.begin(), l.end());
         o.strategies_given = o.group_given = true;
       }},
      {"--param", "-p", "NAME=VALUES", "parameter values: m=256,1024 or ranges 256-2048*2, 1-9+2 (repeatable)",
       [](RunCliOptions& o, const std::string& v) {
         auto eq = v.find('=');
         if (eq == std::string::npos || eq == 0)
           throw InputError("option --param: expected NAME=VALUES, got '" + v + "'");
         const std::string name = v.substr(0, eq);
         auto vals = expand_value_list(name, v.substr(eq + 1));
         auto& dst = o.group.params[name];
         dst.insert(dst.end(), vals.begin(), vals.end());
         o.group_given = true;
       }},
      {"--device", "", "LIST", "devices: cpu, cuda (default cpu)",
       [](RunCliOptions& o, const std::string& v) {
         if (!o.devices_given) o.group.devices.clear();
         auto l = split_list("--device", v);
         o.group.devices.insert(o.group.devices.end(), l.begin(), l.end());
         o.devices_given = o.group_given = true;
       }},
      {"--matrix", "-m", "FILE", "a JSON matrix file instead of -w/-s/-p",
       [](RunCliOptions& o, const std::string& v) { o.matrix_file = v; }},
      {"--output", "-o", "FILE", "results file (default results/run-<time>.json; the log is FILE with .jsonl)",
       [](RunCliOptions& o, const std::string& v) { o.output = v; }},
      {"--only-cells", "", "IDS", "run only these cell ids of the matrix (comma-separated)",
       [](RunCliOptions& o, const std::string& v) { o.only_cells = split_list("--only-cells", v); }},
      {"--resume", "", "LOG", "finish an interrupted run from its .jsonl log, re-running no finished cell",
       [](RunCliOptions& o, const std::string& v) { o.resume = v; }},
      {"--profile", "", "LIST",
       "after each cell's timed samples, a traced pass with these profilers (see `stratbench list profilers`; "
       "all)",
       [](RunCliOptions& o, const std::string& v) {
         auto l = parse_profiler_list("--profile", v);
         o.profilers.insert(o.profilers.end(), l.begin(), l.end());
         o.profile_given = true;
       }},
      {"--trace", "", "",
       "a traced pass with every tracing profiler (nvtx, cupti, memory); one Chrome/Perfetto trace per cell in "
       "RESULTS.traces/",
       [](RunCliOptions& o, const std::string&) {
         auto l = prof::tracing_profilers();
         o.profilers.insert(o.profilers.end(), l.begin(), l.end());
         o.profile_given = true;
       }},
      {"--trace-iters", "", "N", "iterations of the traced pass (default 3); never part of the timed samples",
       [](RunCliOptions& o, const std::string& v) {
         o.trace_iters = static_cast<int>(parse_int_in("--trace-iters", v, 1, kMaxTraceIterations));
         o.profile_given = true;
       }},
      {"--shard", "", "K/N",
       "run only shard K of N (1-based): disjoint, the same cut on every machine; `stratbench merge` joins them",
       [](RunCliOptions& o, const std::string& v) { o.shard = parse_shard(v); }},
      {"--shard-costs", "", "FILE|DB",
       "with --shard: balance the shards by each cell's time in an earlier results file (.json), or in the latest "
       "run of this matrix in a history database (else by count)",
       [](RunCliOptions& o, const std::string& v) { o.shard_costs = v; }},
      {"--dry-run", "-n", "",
       "validate the matrix and print its cells (id, what, skipped and why); run nothing, write nothing",
       [](RunCliOptions& o, const std::string&) { o.dry_run = true; }},
      {"--retry-failed", "", "", "with --resume: run the log's failed and timed-out cells again",
       [](RunCliOptions& o, const std::string&) { o.retry_failed = true; }},
      {"--help", "-h", "", "this help", [](RunCliOptions&, const std::string&) {}},
  };
  static const std::vector<Flag<RunCliOptions>> with_options = [] {
    std::vector<Flag<RunCliOptions>> all(t.begin(), t.end() - 1);  // --help stays last
    for (const auto& row : option_table())
      if (row.flag) all.push_back(option_flag(row));
    all.push_back(t.back());
    return all;
  }();
  return with_options;
}

// The default matrix: every GEMM strategy at a cache-resident and a larger size, the Llama
// decode on tiny from the fp32 baseline up to int4, one cell of each compression beside
// int8/int4 on the teacher trained here (datasets/model, so its quality figures are real),
// then the text workloads; about three minutes on a 2-core machine (3:05 measured). naive
// is left out at 1024 (seconds per iteration, no news), and kv_cache=off from decode (3 s
// per iteration; run it with -s when that is the question).
MatrixSpec default_matrix() {
  MatrixSpec s;
  MatrixGroup small;
  small.workloads = {"gemm"};
  small.strategies = {"naive", "blocked", "blocked+simd", "blocked+simd+threads=2", "blas"};
  small.params = {{"m", {"256"}}, {"n", {"256"}}, {"k", {"256"}}};
  MatrixGroup mid = small;
  mid.params = {{"m", {"512"}}, {"n", {"512"}}, {"k", {"512"}}};
  MatrixGroup big = small;
  big.strategies = {"blocked", "blocked+simd", "blocked+simd+threads=2", "blas"};
  big.params = {{"m", {"1024"}}, {"n", {"1024"}}, {"k", {"1024"}}};
  // The central workload: speed and quality of each precision next to the honest baseline
  // (synthetic weights, so it needs no download).
  MatrixGroup decode;
  decode.workloads = {"decode"};
  const std::string opt = "simd+blocked+threads=2+pool";
  decode.strategies = {"baseline", "simd+threads=2", opt, opt + "+fused", opt + "+bf16", opt + "+int8", opt + "+int4"};
  decode.params = {{"model", {"tiny"}}};
  // Compression on a trained model: held-out perplexity, KL and top-1 against the
  // uncompressed teacher at the same precision, weight bytes beside speed; and the
  // distilled student against the teacher.
  MatrixGroup compressed;
  compressed.workloads = {"decode"};
  compressed.strategies = {opt,
                           opt + "+int8",
                           opt + "+int4",
                           opt + "+sparsity=u70",
                           opt + "+sparsity=2of4",
                           opt + "+lowrank=50",
                           opt + "+share=2"};
  compressed.params = {{"model", {"teacher"}}};
  MatrixGroup student = compressed;
  student.strategies = {opt};
  student.params = {{"model", {"student"}}};
  // The text side, on the shipped sample (320 KB): the tokenizer's merge strategies and
  // the corpus pipeline's reading, memory and thread strategies.
  MatrixGroup tok;
  tok.workloads = {"tokenize"};
  tok.strategies = {"baseline", "heap", "cache", "heap+cache", "heap+cache+threads=2"};
  tok.params = {{"encoding", {"gpt2"}}, {"input", {"sample"}}, {"chunk", {"64"}}};
  MatrixGroup corpus;
  corpus.workloads = {"corpus"};
  corpus.strategies = {"baseline", "pool", "mmap", "threads=2"};
  corpus.params = {{"input", {"sample"}}};
  s.groups = {small, mid, big, decode, compressed, student, tok, corpus};
  return s;
}

void apply_overrides(const RunCliOptions& o, MatrixSpec& spec) {
  OptionValues v{spec.measure, spec.runner};
  for (const OptionSpec* row : o.set) copy_option(*row, o.overrides, v);
  spec.measure = v.measure;
  spec.runner = v.runner;
}

std::string default_results_path() {
  std::filesystem::create_directories("results");
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return std::string("results/run-") + buf + ".json";
}

std::string log_path_for(const std::string& results) {
  std::filesystem::path p(results);
  if (p.extension() == ".json")
    p.replace_extension(".jsonl");
  else
    p += ".jsonl";
  return p.string();
}

int print_plan(const std::vector<CellPlan>& plan) {
  TextTable t({"id", "workload", "strategy", "params", "device", "plan"});
  int runnable = 0;
  for (const auto& p : plan) {
    runnable += p.runnable;
    t.add_row({p.cell.id, p.cell.workload, p.cell.strategy, params_to_string(p.cell.params), p.cell.device,
               p.runnable ? "run" : "skip: " + p.cell.reason});
  }
  std::cout << t.render() << "\n"
            << plan.size() << " cells, " << runnable << " to run, " << plan.size() - runnable << " skipped (dry run)\n";
  return 0;
}

// The cells' expected times: from a results file, or from the latest run in a history
// database whose config hash is this matrix's (the same cells and measurement options).
std::map<std::string, double> shard_costs_from(const std::string& source, const std::vector<CellPlan>& plan,
                                               const MatrixSpec& spec) {
  if (source.size() > 5 && source.compare(source.size() - 5, 5, ".json") == 0) return cell_costs(read_run_file(source));
  auto store = open_history_store(source, HistoryOpen::existing);
  const std::string hash = config_hash(plan, spec);
  std::optional<StoredRun> latest;
  for (const auto& r : store->runs())
    if (r.config_hash == hash && (!latest || r.started >= latest->started)) latest = r;
  if (!latest)
    throw InputError("--shard-costs " + source + ": no run of this matrix (config hash " + hash +
                     ") in the history; add one, or give a results file");
  return cell_costs(*store->load(latest->id));
}

}  // namespace

int cmd_run(const Args& args, const std::string& command_line) {
  if (wants_help(args)) {
    std::cout << "usage: stratbench run [options]\n\n"
                 "Runs a benchmark matrix: each cell in its own process, checked against a reference, warmed up,\n"
                 "then sampled until the median is known to --target-rse (or the --budget is spent). Prints a\n"
                 "table and writes a results file and a .jsonl log beside it. With no -w/-m: the default matrix.\n\n"
              << flags_help(run_flags());
    return 0;
  }
  RunCliOptions o;
  std::vector<std::string> positional;
  parse_flags(run_flags(), args, o, positional);
  if (!positional.empty()) throw InputError("unexpected argument '" + positional[0] + "'");
  if (!o.matrix_file.empty() && o.group_given) throw InputError("give either --matrix or -w/-s/-p/--device, not both");
  if (!o.resume.empty() && (o.group_given || !o.matrix_file.empty()))
    throw InputError("--resume continues the matrix recorded in the log; it takes no -w/-s/-p/--matrix");
  if (!o.resume.empty() && (o.shard.count > 0 || !o.shard_costs.empty()))
    throw InputError("--resume continues the log's own shard; it takes no --shard/--shard-costs");
  if (!o.shard_costs.empty() && o.shard.count == 0) throw InputError("--shard-costs goes with --shard K/N");
  if (!o.resume.empty() && o.profile_given)
    throw InputError("--resume traces as the log's run did; it takes no --profile/--trace/--trace-iters");

  RunRequest req;
  req.command = command_line;
  req.terminal = ::isatty(STDERR_FILENO) != 0 && std::getenv("CI") == nullptr;
  if (!o.resume.empty()) {
    if (o.dry_run) throw InputError("--dry-run plans a new matrix; it does not go with --resume");
    req.resume_log = o.resume;
    req.results_path = o.output;
  } else {
    if (!o.matrix_file.empty())
      req.spec = read_matrix_file(o.matrix_file);
    else if (o.group_given) {
      if (o.group.workloads.empty()) throw InputError("no workload given (-w); see `stratbench list workloads`");
      req.spec.groups = {o.group};
    } else
      req.spec = default_matrix();
    apply_overrides(o, req.spec);
    add_profilers(req.spec.profile, o.profilers);
    if (o.trace_iters > 0) req.spec.profile.iterations = o.trace_iters;
    if (o.trace_iters > 0 && !req.spec.profile.any())
      throw InputError("--trace-iters sizes the traced pass; give --trace or --profile LIST too");
    if (!o.only_cells.empty()) req.spec.only_cells = o.only_cells;
    std::vector<CellPlan> plan = expand(req.spec);  // validate everything before creating any file
    if (!o.shard_costs.empty()) o.shard.costs = shard_costs_from(o.shard_costs, plan, req.spec);
    if (o.dry_run && o.shard.count > 0) {
      const ShardInfo s = assign_shard(plan, o.shard.index, o.shard.count, o.shard.costs);
      std::vector<CellPlan> mine;
      for (std::size_t pos : s.positions) mine.push_back(plan[pos]);
      plan = std::move(mine);
    }
    if (o.dry_run) return print_plan(plan);
    req.shard = o.shard;
    req.results_path = o.output.empty() ? default_results_path() : o.output;
    req.log_path = log_path_for(req.results_path);
    check_output_path(req.results_path);
    check_output_path(req.log_path);
  }
  if (!o.resume.empty() && !o.output.empty()) check_output_path(o.output);
  if (o.retry_failed && o.resume.empty()) throw InputError("--retry-failed goes with --resume LOG");
  req.retry_failed = o.retry_failed;

  install_interrupt_handlers();
  RunOutcome out = run_matrix(req);
  std::cout << format_run_table(out.run);
  int failed = 0;
  for (const auto& c : out.run.cells) failed += c.status == CellStatus::failed || c.status == CellStatus::timeout;
  std::cout << "\n"
            << out.ran << " cells run, " << out.reused << " resumed from the log, " << out.skipped << " skipped, "
            << failed << " failed or timed out\n";
  std::cout << "results: " << out.results_path << "\nlog:     " << out.log_path << "\n";
  if (out.run.cells.end() !=
      std::find_if(out.run.cells.begin(), out.run.cells.end(), [](const Cell& c) { return c.trace.has_value(); }))
    std::cout << "traces:  "
              << (std::filesystem::path(out.results_path).parent_path() / trace_folder_name(out.results_path)).string()
              << "/ (stratbench trace summarize FILE; open in ui.perfetto.dev)\n";
  if (out.interrupted) {
    std::cout << "interrupted: finish with  stratbench run --resume " << out.log_path << "\n";
    return 130;
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace sb::cli
