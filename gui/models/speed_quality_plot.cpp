#include <algorithm>
#include <cmath>
#include <set>

#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/reports/pareto.hpp"

namespace sb::gui {

std::vector<const sb::MetricField*> qualityMetricsOf(const std::vector<const sb::Cell*>& cells) {
  std::vector<const sb::MetricField*> out;
  for (const sb::MetricField& f : sb::metric_fields()) {
    if (f.kind != sb::MetricKind::quality || !f.get) continue;
    if (std::any_of(cells.begin(), cells.end(), [&](const sb::Cell* c) { return f.get(*c).has_value(); }))
      out.push_back(&f);
  }
  return out;
}

Plot speedQualityPlot(const std::vector<const sb::Cell*>& cells, const sb::MetricField& quality) {
  const sb::MetricField& speed = sb::metric_field("throughput.value");
  Plot plot;
  if (!cells.empty()) plot.title = configLabel(*cells.front()) + QStringLiteral(": speed against quality");
  // One throughput unit per chart: the first cell's.
  std::vector<const sb::Cell*> usable;
  std::string unit;
  std::size_t otherUnit = 0;
  for (const sb::Cell* c : cells) {
    if (c->status != sb::CellStatus::ok || !c->metrics.throughput) continue;
    if (unit.empty()) unit = c->metrics.throughput->unit;
    if (c->metrics.throughput->unit != unit) {
      ++otherUnit;
      continue;
    }
    usable.push_back(c);
  }
  const std::vector<sb::ParetoPoint> points = sb::pareto_front(usable, speed, quality);
  plot.x.title = qstr(quality.title) + (quality.better == sb::Better::lower ? QStringLiteral(", lower is better")
                                                                            : QStringLiteral(", higher is better"));
  plot.x.unit = qstr(sb::display_unit(quality));
  plot.y.title = QStringLiteral("throughput, higher is better");
  plot.y.unit = qstr(unit);
  const std::size_t without = usable.size() - points.size();
  QStringList notes;
  if (without > 0) notes << QStringLiteral("%1 without %2").arg(without).arg(qstr(quality.title));
  if (otherUnit > 0) notes << QStringLiteral("%1 in another unit").arg(otherUnit);
  notes << QStringLiteral("dashed: the Pareto front (no other strategy is both faster and better)");
  plot.note = notes.join(QStringLiteral("; "));
  if (points.empty()) {
    plot.emptyText =
        QStringLiteral("No cell of this configuration has both a throughput and %1.").arg(qstr(quality.title));
    return plot;
  }

  std::set<std::string> devices;
  for (const auto& pt : points) devices.insert(pt.cell->device);
  // Errors span decades (1e-7 for fp32 products to 1 for int4): a log axis, on which the
  // reference's own exact 0 sits a decade below the smallest positive value, as in the HTML
  // report's chart.
  double lo = INFINITY, hi = 0;
  bool zeros = false;
  for (const auto& pt : points) {
    const double x = sb::display_value(quality, pt.quality);
    if (x > 0) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    } else {
      zeros = true;
    }
  }
  const bool logX = quality.display != sb::Display::percent && hi > 0 && (hi / lo > kLogAxisSpan || (zeros && hi > lo));
  const double zeroX = logX && zeros ? std::pow(10.0, std::floor(std::log10(lo)) - 1) : 0;
  auto xOf = [&](double stored) {
    const double x = sb::display_value(quality, stored);
    return logX && x <= 0 ? zeroX : x;
  };
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const sb::ParetoPoint& pt = points[i];
    PlotSeries s;
    s.kind = SeriesKind::points;
    s.name = seriesName(*pt.cell, devices.size() > 1);
    s.color = static_cast<int>(i);
    const double x = xOf(pt.quality);
    s.points.emplace_back(x, pt.speed);
    s.labels << (pt.on_front ? s.name : QString());
    xs.push_back(x);
    ys.push_back(pt.speed);
    plot.series.push_back(std::move(s));
  }
  // The front, from the fastest member to the best: a staircase would claim points between
  // members that no strategy reaches, so a plain line joins them.
  std::vector<const sb::ParetoPoint*> front;
  for (const auto& pt : points)
    if (pt.on_front) front.push_back(&pt);
  std::sort(front.begin(), front.end(),
            [](const sb::ParetoPoint* a, const sb::ParetoPoint* b) { return a->speed > b->speed; });
  if (front.size() > 1) {
    PlotSeries line;
    line.kind = SeriesKind::line;
    line.name = QStringLiteral("Pareto front");
    line.color = 9;  // the palette's grey
    line.dashed = true;
    for (const sb::ParetoPoint* pt : front) line.points.emplace_back(xOf(pt->quality), pt->speed);
    plot.series.insert(plot.series.begin(), std::move(line));
  }
  fitAxis(plot.x, xs, quality.display == sb::Display::percent, false);
  if (logX) {
    plot.x.log = true;
    plot.x.lo = (zeros ? zeroX : lo) / 1.6;
    plot.x.hi = hi * 1.6;
    if (zeros) plot.x.zeroAt = zeroX;
  }
  fitAxis(plot.y, ys, true, true);
  return plot;
}

}  // namespace sb::gui
