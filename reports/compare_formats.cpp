#include "stratbench/reports/compare_formats.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/text_table.hpp"

namespace sb {
namespace {

using nlohmann::json;

constexpr Verdict kVerdicts[] = {Verdict::faster, Verdict::slower, Verdict::same, Verdict::inconclusive,
                                 Verdict::not_compared};

// Shortest text that reads back as the same double: CSV and JSON keep full precision.
std::string exact(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string opt_text(const std::optional<double>& v, int sig = 4) { return v ? fmt_num(*v, sig) : "—"; }

std::string interval(const CellComparison& x) {
  if (!x.ratio_lo) return "—";
  std::string s = "[";
  s += fmt_num(*x.ratio_lo, 4);
  s += ", ";
  s += fmt_num(*x.ratio_hi, 4);
  s += "]";
  return s;
}

std::string write_table(const CompareReport& r) {
  return format_compare_table(r.result) + "\n" + verdict_counts(r.result) + "\n";
}

std::string write_markdown(const CompareReport& r) {
  std::string s = "## stratbench compare\n\n";
  s += std::string("- base: ") + markdown_code_span(r.base_path) + " (run " + markdown_code_span(r.base.run.id) + ")\n";
  s += std::string("- new: ") + markdown_code_span(r.new_path) + " (run " + markdown_code_span(r.next.run.id) + ")\n";
  s += std::string("- ") + verdict_counts(r.result) + "; a verdict needs Holm-adjusted p under " +
       fmt_num(r.options.alpha) + ", same within ±" + fmt_num(r.options.min_effect * 100) + "%\n";
  for (const auto& m : r.result.mismatches) s += std::string("- not comparable: ") + markdown_text(m) + "\n";
  s += "\n| workload | strategy | params | device | base p50 ms | new p50 ms | new/base | 95% CI | p (Holm) | "
       "q (BH) | verdict | note |\n|---|---|---|---|--:|--:|--:|--:|--:|--:|---|---|\n";
  for (const auto& x : r.result.rows) {
    s += std::string("| ") + markdown_text(x.workload) + " | " + markdown_text(x.strategy) + " | " +
         markdown_text(x.params) + " | " + markdown_text(x.device) + " | " + opt_text(x.base_median_ms) + " | " +
         opt_text(x.new_median_ms) + " | " + (x.ratio ? fmt_num(*x.ratio, 4) + "×" : std::string("—")) + " | " +
         markdown_text(interval(x)) + " | " + opt_text(x.p_holm, 2) + " | " + opt_text(x.q_bh, 2) + " | " +
         to_string(x.verdict) + " | " + markdown_text(x.note) + " |\n";
  }
  return s;
}

std::string write_csv(const CompareReport& r) {
  std::string s =
      "id,workload,strategy,params,device,n_base,n_new,base_median_ms,new_median_ms,ratio,ratio_lo,ratio_hi,p,"
      "p_holm,q_bh,hl_shift_ms,verdict,note\r\n";
  auto num = [](const std::optional<double>& v) { return v ? exact(*v) : std::string(); };
  for (const auto& x : r.result.rows) {
    s += csv_field(x.id) + "," + csv_field(x.workload) + "," + csv_field(x.strategy) + "," + csv_field(x.params) + "," +
         csv_field(x.device) + "," + std::to_string(x.n_base) + "," + std::to_string(x.n_new) + "," +
         num(x.base_median_ms) + "," + num(x.new_median_ms) + "," + num(x.ratio) + "," + num(x.ratio_lo) + "," +
         num(x.ratio_hi) + "," + num(x.p) + "," + num(x.p_holm) + "," + num(x.q_bh) + "," + num(x.hl_shift_ms) + "," +
         to_string(x.verdict) + "," + csv_field(x.note) + "\r\n";
  }
  return s;
}

std::string write_json(const CompareReport& r) {
  json cells = json::array();
  for (const auto& x : r.result.rows) {
    json c = {
        {"id", x.id},         {"workload", x.workload}, {"strategy", x.strategy}, {"params", x.params},
        {"device", x.device}, {"n_base", x.n_base},     {"n_new", x.n_new},       {"verdict", to_string(x.verdict)}};
    // What a cell could not be given is absent, never zero (as in results files).
    const std::pair<const char*, const std::optional<double>*> fields[] = {{"base_median_ms", &x.base_median_ms},
                                                                           {"new_median_ms", &x.new_median_ms},
                                                                           {"ratio", &x.ratio},
                                                                           {"ratio_lo", &x.ratio_lo},
                                                                           {"ratio_hi", &x.ratio_hi},
                                                                           {"p", &x.p},
                                                                           {"p_holm", &x.p_holm},
                                                                           {"q_bh", &x.q_bh},
                                                                           {"hl_shift_ms", &x.hl_shift_ms}};
    for (const auto& [name, v] : fields)
      if (*v) c[name] = **v;
    if (!x.note.empty()) c["note"] = x.note;
    cells.push_back(c);
  }
  json counts = json::object();
  for (Verdict v : kVerdicts)
    counts[to_string(v)] = std::count_if(r.result.rows.begin(), r.result.rows.end(),
                                         [v](const CellComparison& x) { return x.verdict == v; });
  const json doc = {{"schema", kCompareSchemaV1},
                    {"base", {{"path", r.base_path}, {"run_id", r.base.run.id}}},
                    {"new", {{"path", r.new_path}, {"run_id", r.next.run.id}}},
                    {"options",
                     {{"alpha", r.options.alpha},
                      {"min_effect", r.options.min_effect},
                      {"confidence", r.options.confidence},
                      {"resamples", r.options.resamples},
                      {"seed", r.options.seed}}},
                    {"mismatches", r.result.mismatches},
                    {"verdicts", counts},
                    {"cells", cells}};
  // Invalid UTF-8 from a results file is replaced, never a throw halfway through the output.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string write_compare_html(const CompareReport& r);  // compare_html.cpp

std::string verdict_counts(const CompareResult& r) {
  std::string s;
  for (Verdict v : kVerdicts) {
    if (!s.empty()) s += ", ";
    s += std::to_string(
        std::count_if(r.rows.begin(), r.rows.end(), [v](const CellComparison& x) { return x.verdict == v; }));
    s += " ";
    s += to_string(v);
  }
  return s;
}

const std::vector<CompareFormat>& compare_formats() {
  static const std::vector<CompareFormat> t = {
      {"table", "aligned text for the terminal (the default)", write_table},
      {"md", "a Markdown summary and table (CI comments, job summaries)", write_markdown},
      {"csv", "one line per cell, numbers at full precision", write_csv},
      {"json", "schema stratbench/compare/v1: options, mismatches, verdict counts, every cell's statistics",
       write_json},
      {"html", "a self-contained page: a heatmap of strategies x params and the full table", write_compare_html},
  };
  return t;
}

const CompareFormat* find_compare_format(const std::string& name) {
  for (const auto& f : compare_formats())
    if (name == f.name) return &f;
  return nullptr;
}

std::string compare_format_names() {
  std::string s;
  for (const auto& f : compare_formats()) {
    if (!s.empty()) s += ", ";
    s += f.name;
  }
  return s;
}

}  // namespace sb
