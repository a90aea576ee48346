#include "stratbench/reports/history_detect.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "stratbench/reports/escape.hpp"
#include "stratbench/reports/text_table.hpp"
#include "stratbench/result/errors.hpp"
#include "stratbench/result/stats.hpp"

namespace sb {
namespace {

double median_of(const std::vector<SeriesPoint>& pts, std::size_t from, std::size_t to) {
  std::vector<double> v;
  for (std::size_t i = from; i < to; ++i) v.push_back(pts[i].value);
  return stats::median(v);
}

std::string percent(double rel) {
  if (!std::isfinite(rel)) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", 100 * rel);
  return buf;
}

}  // namespace

DetectReport detect_changes(HistoryStore& store, const DetectOptions& o) {
  DetectReport out;
  out.metric = o.metric;
  std::size_t keys = 0;
  for (const SeriesKey& key : store.series_keys()) {
    if (!o.cell_id.empty() && key.cell_id != o.cell_id) continue;
    ++keys;
    const auto pts = store.series({key.cell_id, key.host_fingerprint, o.metric, o.branch});
    if (pts.empty()) continue;
    ++out.series;
    if (pts.size() < 2 * o.change_points.min_size) ++out.too_short;
    std::vector<double> values;
    values.reserve(pts.size());
    for (const auto& p : pts) values.push_back(p.value);
    const auto cps = e_divisive(values, o.change_points);
    for (std::size_t i = 0; i < cps.size(); ++i) {
      const std::size_t at = cps[i].index;
      const std::size_t from = i ? cps[i - 1].index : 0;
      const std::size_t to = i + 1 < cps.size() ? cps[i + 1].index : pts.size();
      DetectedChange c;
      c.series = key;
      c.points = pts.size();
      c.index = at;
      c.run_id = pts[at].run_id;
      c.commit = pts[at].commit;
      c.started = pts[at].started;
      c.median_before = median_of(pts, from, at);
      c.median_after = median_of(pts, at, to);
      c.relative_change =
          c.median_before != 0 ? c.median_after / c.median_before - 1 : std::numeric_limits<double>::quiet_NaN();
      c.p_value = cps[i].p_value;
      out.changes.push_back(std::move(c));
    }
  }
  if (keys > 0 && out.series == 0)
    throw InputError("metric '" + o.metric + "': no ok cell in " + store.url() +
                     (o.cell_id.empty() ? "" : " with id " + o.cell_id) +
                     " has it (try latency_ms.p50, throughput.value, memory.peak_rss_bytes)");
  if (!o.cell_id.empty() && keys == 0) throw InputError("cell '" + o.cell_id + "' is not in " + store.url());
  return out;
}

std::string format_detect_report(const DetectReport& r, const DetectOptions& o) {
  const auto& cp = o.change_points;
  std::string out = r.metric + ": " + std::to_string(r.changes.size()) + " change point" +
                    (r.changes.size() == 1 ? "" : "s") + " in " + std::to_string(r.series) +
                    " series (E-divisive, alpha " + fmt_num(cp.alpha) + ", " + std::to_string(cp.permutations) +
                    " permutations, segments of at least " + std::to_string(cp.min_size) + " runs)\n";
  if (r.too_short)
    out += std::to_string(r.too_short) + " series had fewer than " + std::to_string(2 * cp.min_size) +
           " runs: too short to tell\n";
  for (std::size_t i = 0; i < r.changes.size();) {
    const SeriesKey& k = r.changes[i].series;
    // The names come from stored results files: shown, never obeyed, by the terminal.
    out += '\n';
    out += terminal_text(k.workload + " " + k.strategy + " " + k.params + " " + k.device + "  (cell " + k.cell_id +
                         ", host " + k.host_fingerprint);
    out += ", " + std::to_string(r.changes[i].points) + " runs)\n";
    TextTable t({"  first commit after change", "run", "started", "median before", "median after", "change", "p"},
                {false, false, false, true, true, true, true});
    for (; i < r.changes.size() && r.changes[i].series.cell_id == k.cell_id &&
           r.changes[i].series.host_fingerprint == k.host_fingerprint;
         ++i) {
      const auto& c = r.changes[i];
      t.add_row({"  " + (c.commit.empty() ? "(no commit)" : c.commit), c.run_id, c.started, fmt_num(c.median_before),
                 fmt_num(c.median_after), percent(c.relative_change), fmt_num(c.p_value, 2)});
    }
    out += t.render();
  }
  return out;
}

}  // namespace sb
