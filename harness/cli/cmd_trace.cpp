// `stratbench trace summarize FILE` and `trace diff A B`: a cell's traced pass as `nsys
// stats` shows NVTX ranges and kernels, and two cells' traces side by side. The reading
// and the formats are reports' (trace_summary.hpp); this fills options and prints.
#include <iostream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/reports/trace_summary.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {
namespace {

struct TraceOptions {
  std::string format = "table";
  std::string output;
};

const std::vector<Flag<TraceOptions>>& trace_flags() {
  static const std::vector<Flag<TraceOptions>> t = {
      {"--format", "-f", "FORMAT", trace_format_names() + " (default table)",
       [](TraceOptions& o, const std::string& v) { o.format = v; }},
      {"--output", "-o", "FILE", "write to FILE (atomically) instead of standard output",
       [](TraceOptions& o, const std::string& v) { o.output = v; }},
      {"--help", "-h", "", "this help", [](TraceOptions&, const std::string&) {}},
  };
  return t;
}

const char* kUsage =
    "usage: stratbench trace <subcommand> [options]\n"
    "\n"
    "  summarize FILE [--format FORMAT]   per range and per kernel: count, total, self, mean, p50, p99, share\n"
    "  diff A B [--format FORMAT]         two traces per range: time per iteration, difference, share of it\n"
    "\n"
    "  stratbench trace <subcommand> --help   options of a subcommand\n";

std::string formats_help() {
  std::string out = "\nformats:\n";
  for (const auto& f : trace_formats())
    out += "  " + f.name + std::string(f.name.size() < 8 ? 8 - f.name.size() : 1, ' ') + f.help + "\n";
  return out;
}

std::string sub_help(const std::string& sub) {
  if (sub == "summarize")
    return "usage: stratbench trace summarize FILE [--format FORMAT] [-o OUT]\n\n"
           "Per range (grouped by category and name, whatever their args) and per GPU kernel, memcpy and\n"
           "memset: count, total, self time (less the direct children on the same thread), time per\n"
           "iteration, mean, p50 and p99, and the share of the traced pass. Marks are counted, and\n"
           "counters shown with their minimum and maximum.\n\n";
  return "usage: stratbench trace diff A B [--format FORMAT] [-o OUT]\n\n"
         "Matches ranges and kernels of two traces by category and name. Per row: time per iteration in\n"
         "A and in B, the difference B - A, its change against A, and its share of the whole pass's\n"
         "difference (\"the attention took 90% of the slowdown\"), largest difference first.\n\n";
}

}  // namespace

int cmd_trace(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string& sub = args[0];
  if (sub != "summarize" && sub != "diff")
    throw InputError("trace: unknown subcommand '" + sub + "' (summarize, diff)");
  const Args rest(args.begin() + 1, args.end());
  if (wants_help(rest)) {
    std::cout << sub_help(sub) << flags_help(trace_flags()) << formats_help();
    return 0;
  }
  TraceOptions o;
  std::vector<std::string> pos;
  parse_flags(trace_flags(), rest, o, pos);
  const TraceFormat* format = find_trace_format(o.format);
  if (!format) throw InputError("unknown trace format '" + o.format + "' (" + trace_format_names() + ")");
  if (sub == "summarize" && pos.size() != 1) throw InputError("trace summarize takes one trace file");
  if (sub == "diff" && pos.size() != 2) throw InputError("trace diff takes two trace files: A B");
  if (!o.output.empty()) check_output_path(o.output);
  const std::string text = sub == "summarize" ? format->summary(summarize_trace(read_trace_file(pos[0])))
                                              : format->diff(diff_traces(summarize_trace(read_trace_file(pos[0])),
                                                                         summarize_trace(read_trace_file(pos[1]))));
  if (o.output.empty())
    std::cout << text;
  else
    write_text_file_atomic(o.output, text);
  return 0;
}

}  // namespace sb::cli
