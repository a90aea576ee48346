// History series for the HTML report: one SVG line chart per cell series of the store,
// with the change points that `history detect` finds marked and named by commit.
#include <algorithm>
#include <map>
#include <sstream>

#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/html_report.hpp"
#include "stratbench/reports/text_table.hpp"

namespace sb {

static std::string svg_series(const std::vector<SeriesPoint>& pts, const std::vector<const DetectedChange*>& changes,
                              const std::string& metric) {
  const int w = 760, h = 220, left = 60, right = 20, top = 20, bottom = 40;
  double lo = pts.front().value, hi = lo;
  for (const auto& p : pts) {
    lo = std::min(lo, p.value);
    hi = std::max(hi, p.value);
  }
  if (hi == lo) hi = lo + (lo == 0 ? 1 : lo * 0.01);
  const double pad = (hi - lo) * 0.1;
  lo -= pad;
  hi += pad;
  auto x = [&](std::size_t i) {
    return left +
           (pts.size() < 2 ? 0.0 : static_cast<double>(i) * (w - left - right) / static_cast<double>(pts.size() - 1));
  };
  auto y = [&](double v) { return top + (hi - v) / (hi - lo) * (h - top - bottom); };
  std::ostringstream o;
  o << "<svg class=\"series\" role=\"img\" width=\"" << w << "\" height=\"" << h
    << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  o << "<text x=\"4\" y=\"" << top + 4 << "\">" << html_escape(fmt_num(hi)) << "</text><text x=\"4\" y=\"" << h - bottom
    << "\">" << html_escape(fmt_num(lo)) << "</text>";
  o << "<text x=\"" << left << "\" y=\"" << h - 8 << "\">" << html_escape(metric) << " over " << pts.size()
    << " runs, oldest first</text>";
  for (const DetectedChange* c : changes) {
    const double cx = x(c->index);
    o << "<line x1=\"" << fmt_num(cx, 6) << "\" x2=\"" << fmt_num(cx, 6) << "\" y1=\"" << top << "\" y2=\""
      << h - bottom << "\" class=\"cp\"/><text x=\"" << fmt_num(cx + 4, 6) << "\" y=\"" << top + 12
      << "\" class=\"cpt\">" << html_escape(c->commit.substr(0, 10)) << " " << (c->relative_change >= 0 ? "+" : "")
      << html_escape(fmt_num(c->relative_change * 100, 3)) << "%</text>";
  }
  o << "<polyline class=\"line\" points=\"";
  for (std::size_t i = 0; i < pts.size(); ++i) o << fmt_num(x(i), 6) << "," << fmt_num(y(pts[i].value), 6) << " ";
  o << "\"/>";
  for (std::size_t i = 0; i < pts.size(); ++i)
    o << "<circle cx=\"" << fmt_num(x(i), 6) << "\" cy=\"" << fmt_num(y(pts[i].value), 6) << "\" r=\"2.5\"><title>"
      << html_escape(pts[i].commit.substr(0, 12) + " " + pts[i].run_id + ": " + fmt_num(pts[i].value))
      << "</title></circle>";
  o << "</svg>";
  return o.str();
}

std::string html_history_section(HistoryStore& store, const DetectOptions& o) {
  const DetectReport report = detect_changes(store, o);
  std::map<std::pair<std::string, std::string>, std::vector<const DetectedChange*>> by_series;
  for (const auto& c : report.changes) by_series[{c.series.cell_id, c.series.host_fingerprint}].push_back(&c);
  std::ostringstream out;
  out << "<style>.line{fill:none;stroke:#4e79a7;stroke-width:1.5}.cp{stroke:#e15759;stroke-dasharray:4 3}"
         ".cpt{fill:#e15759}svg.series text{font-size:11px}</style>"
      << "<h2>History: " << html_escape(o.metric) << "</h2><p>" << report.changes.size() << " change point"
      << (report.changes.size() == 1 ? "" : "s") << " in " << report.series
      << " series (E-divisive with means, permutation test at alpha " << html_escape(fmt_num(o.change_points.alpha))
      << ").</p>\n";
  for (const auto& key : store.series_keys()) {
    if (!o.cell_id.empty() && key.cell_id != o.cell_id) continue;
    SeriesQuery q;
    q.cell_id = key.cell_id;
    q.host_fingerprint = key.host_fingerprint;
    q.metric = o.metric;
    q.branch = o.branch;
    const auto pts = store.series(q);
    if (pts.empty()) continue;
    out << "<section><h3>" << html_escape(key.workload + " " + key.strategy + " " + key.params + " " + key.device)
        << " <small>host " << html_escape(key.host_fingerprint) << "</small></h3>"
        << svg_series(pts, by_series[{key.cell_id, key.host_fingerprint}], o.metric) << "</section>\n";
  }
  return out.str();
}

}  // namespace sb
