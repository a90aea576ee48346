#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/harness/merge.hpp"
#include "stratbench/reports/escape.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {
namespace {

struct MergeCliOptions {
  std::string output;
  bool allow_missing = false;
};

const std::vector<Flag<MergeCliOptions>>& merge_flags() {
  static const std::vector<Flag<MergeCliOptions>> t = {
      {"--output", "-o", "FILE", "the merged results file (required)",
       [](MergeCliOptions& o, const std::string& v) { o.output = v; }},
      {"--allow-missing", "", "",
       "write the merged run even if shards or cells are missing (listed, and the exit code is 1)",
       [](MergeCliOptions& o, const std::string&) { o.allow_missing = true; }},
      {"--help", "-h", "", "this help", [](MergeCliOptions&, const std::string&) {}},
  };
  return t;
}

}  // namespace

int cmd_merge(const Args& args, const std::string& command_line) {
  if (wants_help(args)) {
    std::cout << "usage: stratbench merge SHARD.json... -o RUN.json\n\n"
                 "Joins the results of `run --shard K/N` into one run, in matrix order, each cell keeping the\n"
                 "host it ran on. Refuses (exit 2) shards of different matrices, measurement options, commits or\n"
                 "shard counts, a shard given twice and shards that overlap; missing shards or cells are listed\n"
                 "and are an error unless --allow-missing (then exit 1).\n\n"
              << flags_help(merge_flags());
    return 0;
  }
  MergeCliOptions o;
  std::vector<std::string> files;
  parse_flags(merge_flags(), args, o, files);
  if (o.output.empty()) throw InputError("merge: -o RUN.json is required");
  if (files.empty()) throw InputError("merge: no shard files given");
  check_output_path(o.output);
  std::vector<ShardFile> shards;
  shards.reserve(files.size());
  for (const auto& f : files) shards.push_back({f, read_run_file(f)});
  MergeOutcome m = merge_shards(shards, command_line, o.output);
  if (!m.missing.empty() && !o.allow_missing) {
    std::string msg = "merge: the shards are incomplete (finish them, or --allow-missing):";
    for (const auto& x : m.missing) msg += "\n  - " + terminal_text(x);
    throw InputError(msg);
  }
  write_run_file_atomic(o.output, m.run);
  std::cout << "merged " << shards.size() << " shards of " << m.run.run.shards.front().count << ": "
            << m.run.cells.size() << " cells on " << m.run.run.hosts.size()
            << (m.run.run.hosts.size() == 1 ? " host" : " hosts") << " -> " << o.output << "\n";
  for (const auto& x : m.missing) std::cout << "missing: " << terminal_text(x) << "\n";
  return m.missing.empty() ? 0 : 1;
}

}  // namespace sb::cli
