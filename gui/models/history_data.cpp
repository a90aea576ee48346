#include "stratbench/gui/history_data.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>

#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/result/metrics_table.hpp"

namespace sb::gui {
namespace {

// Messages of open_history_store name the store (password masked); later failures may not,
// so they get the store's masked name in front.
QString errorText(const std::string& storeName, const std::exception& e) {
  std::string msg = e.what();
  if (!storeName.empty() && msg.find(storeName) == std::string::npos) msg = storeName + ": " + msg;
  return qstr(msg);
}

QString percentText(double rel) {
  return std::isfinite(rel) ? QString::asprintf("%+.1f%%", 100 * rel) : QStringLiteral("\u2014");
}

QString unitOf(const HistorySeries& s, const sb::MetricField& f) {
  return qstr(f.cell_unit ? s.cellUnit : sb::display_unit(f));
}

}  // namespace

HistorySnapshot loadHistory(const QString& url) {
  HistorySnapshot out;
  out.url = url;
  std::string name;
  try {
    const auto store = sb::open_history_store(url.toStdString(), sb::HistoryOpen::existing);
    name = store->url();
    out.keys = store->series_keys();
    out.runs = store->runs();
  } catch (const std::exception& e) {
    out.error = errorText(name, e);
    out.keys.clear();
    out.runs.clear();
  }
  return out;
}

HistorySeries loadHistorySeries(const QString& url, const sb::SeriesKey& key, const std::string& metric) {
  HistorySeries out;
  out.url = url;
  out.key = key;
  out.metric = metric;
  std::string name;
  try {
    const auto store = sb::open_history_store(url.toStdString(), sb::HistoryOpen::existing);
    name = store->url();
    out.points = store->series({key.cell_id, key.host_fingerprint, metric, {}});
    if (out.points.empty()) return out;
    // What `stratbench history detect --metric M --cell ID` runs, with its defaults.
    sb::DetectOptions o;
    o.metric = metric;
    o.cell_id = key.cell_id;
    o.change_points = out.options;
    for (sb::DetectedChange& c : sb::detect_changes(*store, o).changes) {
      if (c.series.host_fingerprint != key.host_fingerprint) continue;
      // Placed by run id: a run added between the two reads must not shift the marks.
      const auto it = std::find_if(out.points.begin(), out.points.end(),
                                   [&](const sb::SeriesPoint& p) { return p.run_id == c.run_id; });
      if (it == out.points.end()) continue;
      c.index = static_cast<std::size_t>(it - out.points.begin());
      out.changes.push_back(std::move(c));
    }
    const sb::MetricField* f = sb::find_metric(metric);
    if (f && f->cell_unit) {
      // The unit only labels the axis: a run that no longer reads leaves it blank, not the plot.
      try {
        if (const auto run = store->load(out.points.back().run_id))
          for (const sb::Cell& c : run->cells)
            if (c.id == key.cell_id) out.cellUnit = f->cell_unit(c);
      } catch (const std::exception&) {
        out.cellUnit.clear();
      }
    }
  } catch (const std::exception& e) {
    out.error = errorText(name, e);
    out.points.clear();
    out.changes.clear();
  }
  return out;
}

const std::vector<std::string>& historyMetrics() {
  static const std::vector<std::string> metrics = {"latency_ms.p50", "latency_ms.p99", "throughput.value",
                                                   "memory.peak_rss_bytes"};
  return metrics;
}

QString shortCommit(const std::string& commit) {
  return commit.empty() ? QStringLiteral("(no commit)") : qstr(commit.substr(0, 8));
}

QString seriesLabel(const sb::SeriesKey& key) {
  QStringList parts{qstr(key.workload), qstr(key.strategy)};
  if (!key.params.empty()) parts << qstr(key.params);
  parts << qstr(key.device);
  return parts.join(u' ');
}

Plot historyPlot(const HistorySeries& s) {
  Plot plot;
  const sb::MetricField* f = sb::find_metric(s.metric);
  const QString metricTitle = f ? qstr(f->title) : qstr(s.metric);
  plot.title = QStringLiteral("%1: %2 over commits").arg(seriesLabel(s.key), metricTitle);
  plot.x.title = QStringLiteral("commit, oldest first");
  plot.y.title = metricTitle;
  if (f) {
    plot.y.unit = unitOf(s, *f);
    if (f->better == sb::Better::higher) plot.y.title += QStringLiteral(", higher is better");
    if (f->better == sb::Better::lower) plot.y.title += QStringLiteral(", lower is better");
  }
  if (!s.error.isEmpty()) {
    plot.emptyText = s.error;
    return plot;
  }
  if (s.points.empty()) {
    plot.emptyText =
        QStringLiteral("No ok run of this cell on host %1 has %2.").arg(qstr(s.key.host_fingerprint), metricTitle);
    return plot;
  }
  PlotSeries line;
  line.kind = SeriesKind::line;
  line.name = metricTitle;
  std::vector<double> ys;
  ys.reserve(s.points.size());
  line.points.reserve(s.points.size());
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const double y = f ? sb::display_value(*f, s.points[i].value) : s.points[i].value;
    plot.x.categories << shortCommit(s.points[i].commit);
    line.points.emplace_back(historyX(i), y);
    ys.push_back(y);
  }
  plot.series.push_back(std::move(line));
  fitAxis(plot.y, ys, f && f->better == sb::Better::higher, false);
  // Between the last run before the change and the first after it.
  for (const sb::DetectedChange& c : s.changes)
    plot.marks.push_back({true, historyX(c.index) - 0.5,
                          QStringLiteral("%1 %2").arg(shortCommit(c.commit), percentText(c.relative_change)), 3});
  const std::size_t n = s.points.size();
  QString note = QStringLiteral(
                     "host %1 \u00b7 %2 \u00b7 %3 (E-divisive, as `history detect`: alpha %4, "
                     "segments of at least %5 runs)")
                     .arg(qstr(s.key.host_fingerprint), formatCount(static_cast<long long>(n), "run", "runs"),
                          formatCount(static_cast<long long>(s.changes.size()), "change point", "change points"))
                     .arg(s.options.alpha)
                     .arg(s.options.min_size);
  if (n < 2 * s.options.min_size)
    note += QStringLiteral("; fewer than %1 runs are too short to tell").arg(2 * s.options.min_size);
  plot.note = note;
  return plot;
}

QString describeHistoryPoint(const HistorySeries& s, std::size_t index) {
  if (index >= s.points.size()) return {};
  const sb::SeriesPoint& p = s.points[index];
  const sb::MetricField* f = sb::find_metric(s.metric);
  const double v = f ? sb::display_value(*f, p.value) : p.value;
  const QString unit = f ? unitOf(s, *f) : QString();
  QString text = QStringLiteral("Run %1 of %2: commit %3 \u00b7 started %4 \u00b7 %5%6 \u00b7 run %7")
                     .arg(index + 1)
                     .arg(s.points.size())
                     .arg(p.commit.empty() ? QStringLiteral("(none recorded)") : qstr(p.commit), qstr(p.started),
                          formatMeasurement(v), unit.isEmpty() ? QString() : u' ' + unit, qstr(p.run_id));
  for (const sb::DetectedChange& c : s.changes)
    if (c.index == index)
      text += QStringLiteral(" \u00b7 first run after a change point (%1)").arg(percentText(c.relative_change));
  return text;
}

}  // namespace sb::gui
