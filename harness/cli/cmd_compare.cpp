#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/reports/compare.hpp"
#include "stratbench/reports/compare_formats.hpp"
#include "stratbench/reports/escape.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {
namespace {

struct CompareCliOptions {
  CompareOptions stats;
  bool force = false;
  std::string format = "table", output;
};

const std::vector<Flag<CompareCliOptions>>& compare_flags() {
  static const std::vector<Flag<CompareCliOptions>> t = {
      {"--alpha", "", "A", "family-wise error rate after Holm's correction (default 0.05)",
       [](CompareCliOptions& o, const std::string& v) { o.stats.alpha = parse_double("--alpha", v); }},
      {"--min-effect", "", "E", "ratios within 1±E count as the same (default 0.02)",
       [](CompareCliOptions& o, const std::string& v) { o.stats.min_effect = parse_double("--min-effect", v); }},
      {"--format", "-f", "NAME", std::string("output format: ") + compare_format_names() + " (default table)",
       [](CompareCliOptions& o, const std::string& v) {
         if (!find_compare_format(v))
           throw InputError("option --format: unknown format '" + v + "' (formats: " + compare_format_names() + ")");
         o.format = v;
       }},
      {"--output", "-o", "FILE", "write there (atomically) instead of standard output",
       [](CompareCliOptions& o, const std::string& v) { o.output = v; }},
      {"--force", "", "", "compare runs from different hosts or configurations anyway",
       [](CompareCliOptions& o, const std::string&) { o.force = true; }},
      {"--help", "-h", "", "this help", [](CompareCliOptions&, const std::string&) {}},
  };
  return t;
}

}  // namespace

// Refuses runs whose hosts or configurations differ, naming each difference.
void require_comparable(const std::vector<std::string>& mismatches, bool force) {
  if (mismatches.empty() || force) return;
  std::string msg = "the runs are not comparable (use --force to compare anyway):";
  // The differences quote host strings from the files: shown on the terminal, never obeyed by it.
  for (const auto& m : mismatches) msg += "\n  - " + terminal_text(m);
  throw InputError(msg);
}

int cmd_compare(const Args& args) {
  if (wants_help(args)) {
    std::cout
        << "usage: stratbench compare BASE NEW [options]\n\n"
           "Matches cells by id. Per cell: the ratio of median times (new/base) with a bootstrap 95% interval,\n"
           "a two-sided Mann-Whitney U test with Holm's correction across cells, and a verdict: faster, slower,\n"
           "same (the interval lies within 1±min-effect) or inconclusive (the noise is larger than the effect).\n\n"
        << flags_help(compare_flags());
    return 0;
  }
  CompareCliOptions o;
  std::vector<std::string> pos;
  parse_flags(compare_flags(), args, o, pos);
  if (pos.size() != 2) throw InputError("compare takes two results files: BASE NEW");
  if (!(o.stats.alpha > 0 && o.stats.alpha < 1)) throw InputError("option --alpha must be in (0, 1)");
  if (!(o.stats.min_effect >= 0 && o.stats.min_effect < 1)) throw InputError("option --min-effect must be in [0, 1)");
  if (!o.output.empty()) check_output_path(o.output);
  const RunFile base = read_run_file(pos[0]);
  const RunFile next = read_run_file(pos[1]);
  CompareResult r = compare_runs(base, next, o.stats);
  require_comparable(r.mismatches, o.force);
  const std::string text = find_compare_format(o.format)->write({r, base, next, pos[0], pos[1], o.stats});
  if (o.output.empty())
    std::cout << text;
  else
    write_text_file_atomic(o.output, text);
  return 0;
}

}  // namespace sb::cli
