#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "flags.hpp"
#include "stratbench/reports/html_report.hpp"
#include "stratbench/reports/writer.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/result_json.hpp"

namespace sb::cli {
namespace {

struct ReportOptions {
  std::string format = "table";
  std::string output;
  std::string history;  // html only: add each series of this store with its change points
};

const std::vector<Flag<ReportOptions>>& report_flags() {
  static const std::vector<Flag<ReportOptions>> t = {
      {"--format", "-f", "FORMAT", writer_names() + " (default table)",
       [](ReportOptions& o, const std::string& v) { o.format = v; }},
      {"--history", "", "DB", "html only: add the history store's series and their change points",
       [](ReportOptions& o, const std::string& v) { o.history = v; }},
      {"--output", "-o", "FILE", "write to FILE (atomically) instead of standard output",
       [](ReportOptions& o, const std::string& v) { o.output = v; }},
      {"--help", "-h", "", "this help", [](ReportOptions&, const std::string&) {}},
  };
  return t;
}

}  // namespace

int cmd_report(const Args& args) {
  if (wants_help(args)) {
    std::cout << "usage: stratbench report FILE [--format FORMAT] [-o OUT]\n\n" << flags_help(report_flags());
    return 0;
  }
  ReportOptions o;
  std::vector<std::string> pos;
  parse_flags(report_flags(), args, o, pos);
  if (pos.size() != 1) throw InputError("report takes one results file");
  if (!o.output.empty()) check_output_path(o.output);
  std::ostringstream buf;
  auto w = make_writer(o.format, buf);
  if (!w) throw InputError("unknown report format '" + o.format + "' (" + writer_names() + ")");
  if (!o.history.empty() && o.format != "html") throw InputError("--history goes with --format html");
  const RunFile run = read_run_file(pos[0]);
  if (!o.history.empty()) {
    auto store = open_history_store(o.history, HistoryOpen::existing);
    buf << render_html_report(run, html_history_section(*store, DetectOptions{}));
  } else {
    write_report(*w, run);
  }
  if (o.output.empty())
    std::cout << buf.str();
  else
    write_text_file_atomic(o.output, buf.str());
  return 0;
}

}  // namespace sb::cli
