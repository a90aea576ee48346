// `compare --format html`: a self-contained page (no script, no external resource; a CSP
// that allows neither) with a heatmap of the ratio per strategy (rows) and workload, params
// and device (columns), coloured by verdict and strength, then the full table.
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "stratbench/reports/compare_formats.hpp"
#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/text_table.hpp"

namespace sb {
namespace {

// Green for faster, red for slower, stronger with |log ratio| up to 2x; grey for same,
// white for inconclusive or not compared (the text says which).
std::string colour(const CellComparison& x) {
  if (!x.ratio || (x.verdict != Verdict::faster && x.verdict != Verdict::slower))
    return x.verdict == Verdict::same ? "#e8e8e8" : "#ffffff";
  const double strength = std::min(std::abs(std::log2(*x.ratio)), 1.0);
  const int light = static_cast<int>(std::lround(92 - 42 * strength));
  return std::string("hsl(") + (x.verdict == Verdict::faster ? "130" : "0") + ",60%," + std::to_string(light) + "%)";
}

std::string column_of(const CellComparison& x) { return x.workload + " " + x.params + " " + x.device; }

}  // namespace

std::string write_compare_html(const CompareReport& r) {
  const auto esc = [](const std::string& s) { return html_escape(s); };
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
       "<title>stratbench compare</title><style>"
       "body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}"
       "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
       "td.n{text-align:right;white-space:nowrap}"
       "th.col{max-width:14em;overflow-wrap:anywhere;font-weight:600}td.h{text-align:center;min-width:6em}"
       ".small{font-size:12px;color:#555}.bad{color:#b00}</style></head><body>\n"
       "<h1>stratbench compare</h1>\n<p>base <code>"
    << esc(r.base_path) << "</code> (run " << esc(r.base.run.id) << ") · new <code>" << esc(r.new_path)
    << "</code> (run " << esc(r.next.run.id) << ")</p>\n<p>" << esc(verdict_counts(r.result))
    << "; Holm-adjusted p &lt; " << fmt_num(r.options.alpha) << ", same within ±" << fmt_num(r.options.min_effect * 100)
    << "%</p>\n";
  for (const auto& m : r.result.mismatches) o << "<p class=\"bad\">not comparable: " << esc(m) << "</p>\n";

  // The heatmap: one row per strategy, one column per workload/params/device, in the
  // order they first appear in the base run.
  std::vector<std::string> rows, cols;
  std::set<std::string> seen_rows, seen_cols;
  std::map<std::pair<std::string, std::string>, const CellComparison*> at;
  for (const auto& x : r.result.rows) {
    if (seen_rows.insert(x.strategy).second) rows.push_back(x.strategy);
    if (seen_cols.insert(column_of(x)).second) cols.push_back(column_of(x));
    at[{x.strategy, column_of(x)}] = &x;
  }
  o << "<h2>new/base median time by strategy</h2>\n<p class=\"small\">green: faster, red: slower (darker: up to "
       "2×), grey: the same within the margin, white: inconclusive or not compared</p>\n<table><tr><th>strategy</th>";
  for (const auto& c : cols) o << "<th class=\"col\">" << esc(c) << "</th>";
  o << "</tr>\n";
  for (const auto& s : rows) {
    o << "<tr><th>" << esc(s) << "</th>";
    for (const auto& c : cols) {
      auto it = at.find({s, c});
      if (it == at.end()) {
        o << "<td></td>";
        continue;
      }
      const CellComparison& x = *it->second;
      o << "<td class=\"h\" style=\"background:" << colour(x) << "\" title=\"" << esc(to_string(x.verdict))
        << (x.p_holm ? ", p (Holm) " + fmt_num(*x.p_holm, 2) : std::string()) << "\">"
        << (x.ratio ? fmt_num(*x.ratio, 3) + "×" : std::string("—")) << "<br><span class=\"small\">"
        << esc(to_string(x.verdict)) << "</span></td>";
    }
    o << "</tr>\n";
  }
  o << "</table>\n<h2>Every cell</h2>\n<table><tr><th>workload</th><th>strategy</th><th>params</th><th>device</th>"
       "<th>base p50 ms</th><th>new p50 ms</th><th>new/base</th><th>95% CI</th><th>p (Holm)</th><th>q (BH)</th>"
       "<th>verdict</th><th>note</th></tr>\n";
  const auto num = [](const std::optional<double>& v, int sig = 4) { return v ? fmt_num(*v, sig) : "—"; };
  for (const auto& x : r.result.rows) {
    o << "<tr><td>" << esc(x.workload) << "</td><td>" << esc(x.strategy) << "</td><td>" << esc(x.params) << "</td><td>"
      << esc(x.device) << "</td><td class=\"n\">" << num(x.base_median_ms) << "</td><td class=\"n\">"
      << num(x.new_median_ms) << "</td><td class=\"n\">" << (x.ratio ? fmt_num(*x.ratio, 4) + "×" : std::string("—"))
      << "</td><td class=\"n\">"
      << (x.ratio_lo ? fmt_num(*x.ratio_lo, 4) + " – " + fmt_num(*x.ratio_hi, 4) : std::string("—"))
      << "</td><td class=\"n\">" << num(x.p_holm, 2) << "</td><td class=\"n\">" << num(x.q_bh, 2) << "</td><td>"
      << esc(to_string(x.verdict)) << "</td><td>" << esc(x.note) << "</td></tr>\n";
  }
  o << "</table>\n</body></html>\n";
  return o.str();
}

}  // namespace sb
