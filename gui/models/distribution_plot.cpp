#include <algorithm>
#include <cmath>
#include <set>

#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/result/stats.hpp"

namespace sb::gui {
namespace {

bool mixesDevices(const std::vector<const sb::Cell*>& cells) {
  std::set<std::string> devices;
  for (const sb::Cell* c : cells) devices.insert(c->device);
  return devices.size() > 1;
}

QString withoutSamplesNote(const std::vector<const sb::Cell*>& cells, bool withDevice) {
  QStringList names;
  for (const sb::Cell* c : cells)
    if (samplesMs(*c).empty()) names << seriesName(*c, withDevice);
  if (names.isEmpty()) return {};
  return QStringLiteral("no samples: %1").arg(names.join(QStringLiteral(", ")));
}

}  // namespace

std::vector<const sb::Cell*> cellsLike(const sb::RunFile& run, const sb::Cell& cell) {
  std::vector<const sb::Cell*> out;
  for (const sb::Cell& c : run.cells)
    if (c.workload == cell.workload && c.params == cell.params) out.push_back(&c);
  return out;
}

QString configLabel(const sb::Cell& cell) {
  const std::string params = sb::params_to_string(cell.params);
  return qstr(cell.workload) + (params.empty() ? QString() : QStringLiteral(" \u00b7 ") + qstr(params));
}

QString seriesName(const sb::Cell& cell, bool withDevice) {
  return qstr(cell.strategy) + (withDevice ? QStringLiteral(" (%1)").arg(qstr(cell.device)) : QString());
}

std::vector<double> samplesMs(const sb::Cell& cell) {
  std::vector<double> ms;
  const auto it = cell.samples.find("time_s");
  if (it == cell.samples.end()) return ms;
  ms.reserve(it->second.size());
  for (const double s : it->second)
    if (std::isfinite(s)) ms.push_back(s * 1000.0);
  return ms;
}

BoxStats boxStats(std::span<const double> samples) {
  std::vector<double> x(samples.begin(), samples.end());
  std::sort(x.begin(), x.end());
  BoxStats b;
  b.n = x.size();
  b.q1 = sb::stats::quantile_sorted(x, 0.25);
  b.median = sb::stats::median(x);
  b.q3 = sb::stats::quantile_sorted(x, 0.75);
  b.p90 = sb::stats::quantile_sorted(x, 0.90);
  b.p99 = sb::stats::quantile_sorted(x, 0.99);
  const double iqr = b.q3 - b.q1;
  const double lo = b.q1 - 1.5 * iqr, hi = b.q3 + 1.5 * iqr;
  b.whisker_lo = *std::lower_bound(x.begin(), x.end(), lo);
  b.whisker_hi = *(std::upper_bound(x.begin(), x.end(), hi) - 1);
  for (const double v : x)
    if (v < lo || v > hi) b.outliers.push_back(v);
  // The project's one estimate of the median's uncertainty (the stopping rule's): with
  // fewer than 3 samples it is infinite, and the interval is the whole range.
  const double rse = sb::stats::median_rse(x);
  const double half = std::isfinite(rse) ? 1.96 * rse * b.median : INFINITY;
  b.median_ci_lo = std::max(b.median - half, x.front());
  b.median_ci_hi = std::min(b.median + half, x.back());
  return b;
}

Plot boxPlot(const std::vector<const sb::Cell*>& cells) {
  Plot plot;
  const bool withDevice = mixesDevices(cells);
  plot.x.title = QStringLiteral("strategy");
  plot.y.title = QStringLiteral("latency per sample");
  plot.y.unit = QStringLiteral("ms");
  if (!cells.empty()) plot.title = configLabel(*cells.front()) + QStringLiteral(": latency distribution");
  QStringList notes;
  if (const QString none = withoutSamplesNote(cells, withDevice); !none.isEmpty()) notes << none;
  // One series per strategy, each holding its box at its own category: a box takes its
  // strategy's colour, as the same strategy has on the ECDF beside it.
  std::vector<double> all;
  std::vector<BoxStats> boxes;
  for (const sb::Cell* c : cells) {
    const std::vector<double> ms = samplesMs(*c);
    if (ms.empty()) continue;
    plot.x.categories << seriesName(*c, withDevice);
    boxes.push_back(boxStats(ms));
    all.insert(all.end(), ms.begin(), ms.end());
  }
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    PlotSeries one;
    one.kind = SeriesKind::box;
    one.name = plot.x.categories[static_cast<int>(i)];
    one.color = static_cast<int>(i);
    one.boxes.resize(boxes.size());
    one.boxes[i] = boxes[i];
    plot.series.push_back(std::move(one));
  }
  if (plot.series.empty()) {
    plot.emptyText = QStringLiteral("No cell of this configuration has timed samples.");
    plot.note = notes.join(QStringLiteral("; "));
    return plot;
  }
  fitAxis(plot.y, all, false, true);
  notes << QStringLiteral("box: quartiles; band: median's 95% interval; ticks: p90, p99; whiskers: 1.5 IQR");
  plot.note = notes.join(QStringLiteral("; "));
  return plot;
}

Plot ecdfPlot(const std::vector<const sb::Cell*>& cells) {
  Plot plot;
  const bool withDevice = mixesDevices(cells);
  plot.x.title = QStringLiteral("latency per sample");
  plot.x.unit = QStringLiteral("ms");
  plot.y.title = QStringLiteral("share of samples at or below");
  plot.y.lo = 0;
  plot.y.hi = 1.02;
  std::vector<double> all;
  if (!cells.empty()) plot.title = configLabel(*cells.front()) + QStringLiteral(": empirical CDF");
  plot.note = withoutSamplesNote(cells, withDevice);
  int color = 0;
  for (const sb::Cell* c : cells) {
    std::vector<double> ms = samplesMs(*c);
    if (ms.empty()) continue;
    std::sort(ms.begin(), ms.end());
    PlotSeries s;
    s.kind = SeriesKind::steps;
    s.name = seriesName(*c, withDevice);
    s.color = color++;
    for (std::size_t i = 0; i < ms.size(); ++i)
      s.points.emplace_back(ms[i], static_cast<double>(i + 1) / static_cast<double>(ms.size()));
    if (plot.marks.empty()) {
      // The percentiles of the first strategy (the baseline of a matrix), named on the lines.
      const BoxStats b = boxStats(ms);
      plot.marks.push_back({true, b.median, QStringLiteral("p50 %1").arg(s.name), s.color});
      plot.marks.push_back({true, b.p90, QStringLiteral("p90"), s.color});
      plot.marks.push_back({true, b.p99, QStringLiteral("p99"), s.color});
    }
    all.insert(all.end(), ms.begin(), ms.end());
    plot.series.push_back(std::move(s));
  }
  if (plot.series.empty()) {
    plot.emptyText = QStringLiteral("No cell of this configuration has timed samples.");
    return plot;
  }
  fitAxis(plot.x, all, false, true);
  return plot;
}

}  // namespace sb::gui
