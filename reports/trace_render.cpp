// The formats of `trace summarize` and `trace diff` (trace_summary.hpp's format table).
// Names, categories and metadata come from the trace file, which is untrusted: each passes
// through the escaper of the format it lands in (escape.hpp), and only there. The text
// formats share one list of columns per table, so table and md never disagree.
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>

#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/reports/trace_summary.hpp"
#include "stratbench/result/text.hpp"

namespace sb {
namespace {

using nlohmann::json;
using Cells = std::vector<std::string>;

std::string percent(double fraction, bool sign = false) {
  if (!std::isfinite(fraction)) return "—";
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.1f%%" : "%.1f%%", fraction * 100);
  return buf;
}
std::string percent(const std::optional<double>& f, bool sign = false) { return f ? percent(*f, sign) : "—"; }

std::string signed_duration(double ns) {
  if (ns == 0) return "0";
  // Appended, not "+" + std::string: GCC 12 misreads that as an overlapping copy (-Wrestrict).
  std::string out(ns > 0 ? "+" : "-");
  out += fmt_duration_ns(std::fabs(ns));
  return out;
}

std::string duration(const std::optional<double>& ns) { return ns ? fmt_duration_ns(*ns) : "—"; }

// Counters are mostly counts and bytes: whole numbers in full ("13037568", not "1.304e+07").
std::string counter_value(double v) {
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  return fmt_num(v, 6);
}

// --- what the text formats show, before escaping -----------------------------------------

struct Table {
  std::string title;
  Cells header;
  std::vector<bool> right;
  std::vector<Cells> rows;
};

std::vector<std::pair<std::string, std::string>> summary_facts(const TraceSummary& s) {
  std::vector<std::pair<std::string, std::string>> f = {{"trace", s.file}};
  for (const auto& kv : s.metadata)
    if (kv.first != "iterations") f.push_back(kv);
  f.emplace_back("iterations", std::to_string(s.iterations) + " (from " + s.iterations_from + ")");
  f.emplace_back("pass", fmt_duration_ns(s.pass_per_iteration_ns()) + " per iteration, " +
                             fmt_duration_ns(static_cast<double>(s.pass_ns)) + " in all (from " + s.pass_from + ")");
  return f;
}

std::vector<Table> summary_tables(const TraceSummary& s) {
  std::vector<Table> out;
  const Cells header = {"category", "name", "count", "total", "self", "per iter", "mean", "p50", "p99", "share"};
  const std::vector<bool> right = {false, false, true, true, true, true, true, true, true, true};
  for (TraceSection section : {TraceSection::ranges, TraceSection::gpu}) {
    Table t{section == TraceSection::gpu ? "GPU (kernels, memcpy, memset)" : "ranges", header, right, {}};
    for (const auto& r : s.rows) {
      if (r.section != section) continue;
      t.rows.push_back({r.category, r.name, std::to_string(r.count), fmt_duration_ns(static_cast<double>(r.total_ns)),
                        fmt_duration_ns(static_cast<double>(r.self_ns)), fmt_duration_ns(r.per_iteration_ns),
                        fmt_duration_ns(r.mean_ns), fmt_duration_ns(r.p50_ns), fmt_duration_ns(r.p99_ns),
                        percent(r.share)});
    }
    if (!t.rows.empty()) out.push_back(std::move(t));
  }
  if (!s.marks.empty()) {
    Table t{"marks", {"category", "name", "count"}, {false, false, true}, {}};
    for (const auto& m : s.marks) t.rows.push_back({m.category, m.name, std::to_string(m.count)});
    out.push_back(std::move(t));
  }
  if (!s.counters.empty()) {
    Table t{"counters", {"name", "series", "samples", "min", "max"}, {false, false, true, true, true}, {}};
    for (const auto& c : s.counters)
      t.rows.push_back({c.name, c.series, std::to_string(c.count), counter_value(c.min), counter_value(c.max)});
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> diff_facts(const TraceDiff& d) {
  auto side = [](const TraceSummary& s) {
    std::string text = s.file;
    for (const char* key : {"workload", "strategy", "params"})
      if (!s.meta(key).empty()) text += std::string(", ") + key + " " + s.meta(key);
    return text + ", " + std::to_string(s.iterations) + " iterations";
  };
  const double pa = d.a.pass_per_iteration_ns(), pb = d.b.pass_per_iteration_ns();
  std::string pass = fmt_duration_ns(pa) + " → " + fmt_duration_ns(pb) + " per iteration, " + signed_duration(pb - pa);
  if (pa > 0) pass += " (" + percent((pb - pa) / pa, true) + ")";
  return {{"A", side(d.a)}, {"B", side(d.b)}, {"pass", pass}};
}

Table diff_table(const TraceDiff& d) {
  Table t{"per iteration, by size of the difference",
          {"section", "category", "name", "A", "B", "B - A", "change", "share of diff", "note"},
          {false, false, false, true, true, true, true, true, false},
          {}};
  for (const auto& r : d.rows) {
    const std::string note = !r.a_ns ? "only in B" : !r.b_ns ? "only in A" : "";
    t.rows.push_back({to_string(r.section), r.category, r.name, duration(r.a_ns), duration(r.b_ns),
                      signed_duration(r.delta_ns), percent(r.change, true), percent(r.share, true), note});
  }
  return t;
}

// --- table (the terminal) ----------------------------------------------------------------

std::string render_table(const std::vector<std::pair<std::string, std::string>>& facts,
                         const std::vector<Table>& tables, const std::vector<std::string>& notes) {
  std::string out;
  for (const auto& [k, v] : facts) out += terminal_text(k) + ": " + terminal_text(v) + "\n";
  for (const auto& t : tables) {
    TextTable tt(t.header, t.right);
    for (const auto& r : t.rows) tt.add_row(r);
    out += "\n" + t.title + "\n" + tt.render();
  }
  if (!notes.empty()) out += "\nnotes\n";
  for (const auto& n : notes) {
    out += "- ";
    out += terminal_text(n) + "\n";
  }
  return out;
}

std::string summary_table(const TraceSummary& s) { return render_table(summary_facts(s), summary_tables(s), s.notes); }
std::string diff_text_table(const TraceDiff& d) { return render_table(diff_facts(d), {diff_table(d)}, d.notes); }

// --- md ----------------------------------------------------------------------------------

std::string render_md(const std::string& heading, const std::vector<std::pair<std::string, std::string>>& facts,
                      const std::vector<Table>& tables, const std::vector<std::string>& notes) {
  // Piece by piece: GCC 12 misreads "literal" + std::string&& as an overlapping copy
  // (-Wrestrict, a known false positive) and CI builds with -Werror.
  std::string out;
  auto add = [&out](std::initializer_list<std::string_view> parts) {
    for (auto p : parts) out += p;
  };
  add({"## ", heading, "\n\n"});
  for (const auto& [k, v] : facts) add({"- **", markdown_text(k), "**: ", markdown_text(v), "\n"});
  for (const auto& t : tables) {
    add({"\n### ", markdown_text(t.title), "\n\n|"});
    for (const auto& h : t.header) add({" ", markdown_text(h), " |"});
    out += "\n|";
    for (bool r : t.right) out += r ? " ---: |" : " --- |";
    out += "\n";
    for (const auto& row : t.rows) {
      out += "|";
      for (const auto& c : row) add({" ", markdown_text(c), " |"});
      out += "\n";
    }
  }
  if (!notes.empty()) out += "\n### Notes\n\n";
  for (const auto& n : notes) add({"- ", markdown_text(n), "\n"});
  return out;
}

std::string summary_md(const TraceSummary& s) {
  return render_md("Trace summary", summary_facts(s), summary_tables(s), s.notes);
}
std::string diff_md(const TraceDiff& d) { return render_md("Trace diff", diff_facts(d), {diff_table(d)}, d.notes); }

// --- csv and json: nanoseconds as numbers, for tools -------------------------------------

// Shortest text that reads back as the same double; "" (csv) or null (json) when absent.
std::string number(double v) { return std::isfinite(v) ? json(v).dump() : ""; }
std::string number(const std::optional<double>& v) { return v ? number(*v) : ""; }
json json_number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
json json_number(const std::optional<double>& v) { return v ? json_number(*v) : json(nullptr); }

std::string csv_line(const Cells& cells) { return join(cells, ",") + "\n"; }

std::string summary_csv(const TraceSummary& s) {
  std::string out = csv_line({"section", "category", "name", "count", "total_ns", "self_ns", "min_ns", "max_ns",
                              "mean_ns", "p50_ns", "p99_ns", "per_iteration_ns", "share_of_pass"});
  for (const auto& r : s.rows)
    out += csv_line({to_string(r.section), csv_field(r.category), csv_field(r.name), std::to_string(r.count),
                     std::to_string(r.total_ns), std::to_string(r.self_ns), std::to_string(r.min_ns),
                     std::to_string(r.max_ns), number(r.mean_ns), number(r.p50_ns), number(r.p99_ns),
                     number(r.per_iteration_ns), number(r.share)});
  for (const auto& m : s.marks)
    out += csv_line({"marks", csv_field(m.category), csv_field(m.name), std::to_string(m.count), "", "", "", "", "", "",
                     "", "", ""});
  return out;
}

std::string diff_csv(const TraceDiff& d) {
  std::string out = csv_line({"section", "category", "name", "a_ns_per_iteration", "b_ns_per_iteration",
                              "delta_ns_per_iteration", "change", "share_of_difference"});
  for (const auto& r : d.rows)
    out += csv_line({to_string(r.section), csv_field(r.category), csv_field(r.name), number(r.a_ns), number(r.b_ns),
                     number(r.delta_ns), number(r.change), number(r.share)});
  return out;
}

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n"; }

json summary_head(const TraceSummary& s) {
  json meta = json::object();
  for (const auto& [k, v] : s.metadata) meta[k] = v;
  return {{"file", s.file},
          {"metadata", meta},
          {"iterations", s.iterations},
          {"iterations_from", s.iterations_from},
          {"pass_ns", s.pass_ns},
          {"pass_from", s.pass_from},
          {"pass_ns_per_iteration", json_number(s.pass_per_iteration_ns())}};
}

std::string summary_json(const TraceSummary& s) {
  json j = summary_head(s);
  j["schema"] = "stratbench/trace-summary/v1";
  json rows = json::array(), marks = json::array(), counters = json::array();
  for (const auto& r : s.rows)
    rows.push_back({{"section", to_string(r.section)},
                    {"category", r.category},
                    {"name", r.name},
                    {"count", r.count},
                    {"total_ns", r.total_ns},
                    {"self_ns", r.self_ns},
                    {"min_ns", r.min_ns},
                    {"max_ns", r.max_ns},
                    {"mean_ns", json_number(r.mean_ns)},
                    {"p50_ns", json_number(r.p50_ns)},
                    {"p99_ns", json_number(r.p99_ns)},
                    {"per_iteration_ns", json_number(r.per_iteration_ns)},
                    {"share", json_number(r.share)}});
  for (const auto& m : s.marks) marks.push_back({{"category", m.category}, {"name", m.name}, {"count", m.count}});
  for (const auto& c : s.counters)
    counters.push_back({{"name", c.name}, {"series", c.series}, {"count", c.count}, {"min", c.min}, {"max", c.max}});
  j["rows"] = rows;
  j["marks"] = marks;
  j["counters"] = counters;
  j["notes"] = s.notes;
  return dump(j);
}

std::string diff_json(const TraceDiff& d) {
  json rows = json::array();
  for (const auto& r : d.rows)
    rows.push_back({{"section", to_string(r.section)},
                    {"category", r.category},
                    {"name", r.name},
                    {"a_ns_per_iteration", json_number(r.a_ns)},
                    {"b_ns_per_iteration", json_number(r.b_ns)},
                    {"delta_ns_per_iteration", json_number(r.delta_ns)},
                    {"change", json_number(r.change)},
                    {"share_of_difference", json_number(r.share)}});
  return dump({{"schema", "stratbench/trace-diff/v1"},
               {"a", summary_head(d.a)},
               {"b", summary_head(d.b)},
               {"rows", rows},
               {"notes", d.notes}});
}

}  // namespace

const std::vector<TraceFormat>& trace_formats() {
  static const std::vector<TraceFormat> t = {
      {"table", "aligned text for the terminal", summary_table, diff_text_table},
      {"md", "Markdown tables (for pull requests and wikis)", summary_md, diff_md},
      {"csv", "one row per range, kernel (and mark), times in nanoseconds", summary_csv, diff_csv},
      {"json", "every figure, times in nanoseconds", summary_json, diff_json},
  };
  return t;
}

const TraceFormat* find_trace_format(const std::string& name) {
  for (const auto& f : trace_formats())
    if (f.name == name) return &f;
  return nullptr;
}

std::string trace_format_names() {
  return join(trace_formats(), ", ", [](const TraceFormat& f) { return f.name; });
}

std::string fmt_duration_ns(double ns) {
  if (!std::isfinite(ns)) return "—";
  // Each unit up to where four significant digits would round to 1000 of it.
  const double a = std::fabs(ns);
  double v = ns;
  const char* unit = "ns";
  if (a >= 999.95e6) {
    v = ns / 1e9;
    unit = "s";
  } else if (a >= 999.95e3) {
    v = ns / 1e6;
    unit = "ms";
  } else if (a >= 999.95) {
    v = ns / 1e3;
    unit = "µs";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 1e4 ? "%.0f %s" : "%.4g %s", v, unit);
  return buf;
}

}  // namespace sb
