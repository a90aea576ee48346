// A chart as plain data: axes, series and marks, built by the pages' data functions (the
// distribution, speed-against-quality, sweep and memory plots) and drawn by one painter
// (plot_painter.hpp) on screen, into PNG and into SVG alike. No widget here, so each plot is
// tested headless, down to the pixels it paints.
#pragma once

#include <optional>
#include <vector>

#include <QPointF>
#include <QString>
#include <QStringList>

namespace sb::gui {

struct PlotAxis {
  QString title;  // "p50 latency"
  QString unit;   // "ms"; every axis states one (empty only for counts and ratios)
  bool log = false;
  double lo = 0, hi = 1;  // the range drawn
  // A category axis: value i is drawn at the i-th name (box plots, bars); empty for numbers.
  QStringList categories;
  // On a log axis, where exact zeros are drawn (a decade below the smallest positive value),
  // with a tick that reads "0": a lossless strategy's error is 0 and must still be seen.
  std::optional<double> zeroAt;

  // "p50 latency (ms)", or the title alone when there is no unit.
  QString label() const;
};

// One box of a box plot: the sample's quartiles, Tukey's whiskers (the furthest samples
// within 1.5 IQR of the box), the median's confidence interval as a notch, the tail
// percentiles people quote, and the samples beyond the whiskers.
struct BoxStats {
  double whisker_lo = 0, q1 = 0, median = 0, q3 = 0, whisker_hi = 0;
  double median_ci_lo = 0, median_ci_hi = 0;
  double p90 = 0, p99 = 0;
  std::vector<double> outliers;
  std::size_t n = 0;
};

enum class SeriesKind {
  points,  // markers; `labels` names those that have a label
  line,    // a polyline through `points` in their order
  steps,   // an ECDF: a step up at each x
  box,     // boxes[i] drawn at category i of the x axis (values on y)
  bars,    // points[i].y() as a bar at category points[i].x() (an index); bars of several
           // series share each category side by side
};

struct PlotSeries {
  QString name;   // in the legend; elided there when long, whole in the hover text
  int color = 0;  // index into plotPalette()
  SeriesKind kind = SeriesKind::points;
  std::vector<QPointF> points;
  QStringList labels;                          // parallel to points when non-empty; "" draws no label
  std::vector<std::optional<BoxStats>> boxes;  // kind box: one per category, absent where none
  bool dashed = false;
};

// A vertical (on x) or horizontal (on y) reference line with a name: p50, p90, p99.
struct PlotMark {
  bool vertical = true;
  double at = 0;
  QString label;
  int color = 0;
};

struct Plot {
  QString title;
  QString note;  // below the title: what was left out and why
  PlotAxis x, y;
  std::vector<PlotSeries> series;
  std::vector<PlotMark> marks;
  // Shown instead of an empty frame: "No cell of gemm has a quality metric".
  QString emptyText;

  bool empty() const { return series.empty(); }
};

// The span (largest / smallest value) from which a fitted axis is logarithmic.
inline constexpr double kLogAxisSpan = 20;

// Fits an axis to values, with a little room on each side, from zero where zero belongs
// (bars, throughput) and on a log scale when `allowLog` and the values span more than
// kLogAxisSpan (all positive). Non-finite values are ignored.
void fitAxis(PlotAxis& axis, const std::vector<double>& values, bool fromZero, bool allowLog);

// Tick positions for an axis: "nice" steps (1, 2, 5 times a power of ten) on a linear axis,
// powers of ten (and 2x, 5x when few decades) on a log one. At most about `maxTicks`.
std::vector<double> axisTicks(const PlotAxis& axis, int maxTicks);

}  // namespace sb::gui
