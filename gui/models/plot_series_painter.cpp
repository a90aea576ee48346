#include "plot_series_painter.hpp"

#include <algorithm>
#include <cmath>

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>

namespace sb::gui {
namespace {

// Outliers drawn per box: beyond this a box's tail is a smear, and a 10^5-sample cell must
// not cost 10^5 ellipses per repaint.
constexpr std::size_t kMaxOutliers = 200;

QPen seriesPen(const PlotSeries& s, double width) {
  QPen pen(plotColor(s.color), width);
  if (s.dashed || plotDashed(s.color)) pen.setStyle(Qt::DashLine);
  pen.setCapStyle(Qt::FlatCap);
  return pen;
}

// Series of one kind share a category slot side by side: this one's offset and width.
std::pair<double, double> sideBySide(const Plot& plot, const PlotGeometry& g, std::size_t index, SeriesKind kind) {
  int count = 0, mine = 0;
  for (std::size_t i = 0; i < plot.series.size(); ++i) {
    if (plot.series[i].kind != kind) continue;
    if (i == index) mine = count;
    ++count;
  }
  const double usable = g.slotWidth() * 0.8;
  const double w = usable / std::max(count, 1);
  return {-usable / 2 + w * mine + w / 2, w};
}

void paintBox(QPainter& p, const PlotGeometry& g, const PlotSeries& s, const BoxStats& b, double cx, double w) {
  const QColor c = plotColor(s.color);
  const double half = std::max(w * 0.4, 2.0);
  p.setPen(QPen(c.darker(140), 1.2));
  // whiskers
  p.drawLine(QPointF(cx, g.py(b.whisker_lo)), QPointF(cx, g.py(b.q1)));
  p.drawLine(QPointF(cx, g.py(b.q3)), QPointF(cx, g.py(b.whisker_hi)));
  p.drawLine(QPointF(cx - half / 2, g.py(b.whisker_lo)), QPointF(cx + half / 2, g.py(b.whisker_lo)));
  p.drawLine(QPointF(cx - half / 2, g.py(b.whisker_hi)), QPointF(cx + half / 2, g.py(b.whisker_hi)));
  // the box, and the median's confidence interval as a darker band across it
  QColor fill = c;
  fill.setAlpha(70);
  p.setBrush(fill);
  p.drawRect(QRectF(QPointF(cx - half, g.py(b.q3)), QPointF(cx + half, g.py(b.q1))));
  QColor ci = c;
  ci.setAlpha(150);
  p.setBrush(ci);
  p.setPen(Qt::NoPen);
  p.drawRect(QRectF(QPointF(cx - half * 0.6, g.py(b.median_ci_hi)), QPointF(cx + half * 0.6, g.py(b.median_ci_lo))));
  p.setPen(QPen(c.darker(170), 2.5));
  p.drawLine(QPointF(cx - half, g.py(b.median)), QPointF(cx + half, g.py(b.median)));
  // p90 and p99: short ticks to the right of the box
  p.setPen(QPen(c.darker(170), 1.5));
  for (const double q : {b.p90, b.p99}) p.drawLine(QPointF(cx + half, g.py(q)), QPointF(cx + half * 1.5, g.py(q)));
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(c, 1));
  const std::size_t step = std::max<std::size_t>(1, b.outliers.size() / kMaxOutliers);
  for (std::size_t i = 0; i < b.outliers.size(); i += step) p.drawEllipse(QPointF(cx, g.py(b.outliers[i])), 2.2, 2.2);
}

}  // namespace

void paintSeries(QPainter& p, const Plot& plot, const PlotGeometry& g, std::size_t index) {
  const PlotSeries& s = plot.series[index];
  p.setBrush(Qt::NoBrush);
  switch (s.kind) {
    case SeriesKind::points: {
      p.setPen(QPen(plotColor(s.color).darker(130), 1));
      p.setBrush(plotColor(s.color));
      for (const QPointF& pt : s.points) p.drawEllipse(QPointF(g.px(pt.x()), g.py(pt.y())), 4, 4);
      break;
    }
    case SeriesKind::line: {
      if (s.points.empty()) break;
      QPainterPath path(QPointF(g.px(s.points[0].x()), g.py(s.points[0].y())));
      for (std::size_t i = 1; i < s.points.size(); ++i) path.lineTo(g.px(s.points[i].x()), g.py(s.points[i].y()));
      p.setPen(seriesPen(s, 2));
      p.drawPath(path);
      // Markers while they stay apart: a 1000-point sweep is a line, not a row of dots.
      if (s.points.size() * 8 < g.frame().width()) {
        p.setBrush(plotColor(s.color));
        for (const QPointF& pt : s.points) p.drawEllipse(QPointF(g.px(pt.x()), g.py(pt.y())), 2.5, 2.5);
      }
      break;
    }
    case SeriesKind::steps: {
      if (s.points.empty()) break;
      QPainterPath path(QPointF(g.px(s.points[0].x()), g.py(0)));
      double y = 0;
      for (const QPointF& pt : s.points) {
        path.lineTo(g.px(pt.x()), g.py(y));
        y = pt.y();
        path.lineTo(g.px(pt.x()), g.py(y));
      }
      path.lineTo(g.frame().right(), g.py(y));
      p.setPen(seriesPen(s, 1.8));
      p.drawPath(path);
      break;
    }
    case SeriesKind::box: {
      const auto [offset, w] = sideBySide(plot, g, index, SeriesKind::box);
      for (std::size_t i = 0; i < s.boxes.size(); ++i)
        if (s.boxes[i]) paintBox(p, g, s, *s.boxes[i], g.px(static_cast<double>(i)) + offset, w);
      break;
    }
    case SeriesKind::bars: {
      const auto [offset, w] = sideBySide(plot, g, index, SeriesKind::bars);
      p.setPen(Qt::NoPen);
      p.setBrush(plotColor(s.color));
      const double base = g.py(plot.y.log ? plot.y.lo : std::max(plot.y.lo, 0.0));
      for (const QPointF& pt : s.points) {
        const double cx = g.px(pt.x()) + offset;
        p.drawRect(QRectF(QPointF(cx - w * 0.45, g.py(pt.y())), QPointF(cx + w * 0.45, base)));
      }
      break;
    }
  }
}

void paintMarks(QPainter& p, const Plot& plot, const PlotGeometry& g) {
  const QFontMetricsF fm(p.font());
  for (const PlotMark& m : plot.marks) {
    QPen pen(plotColor(m.color), 1, Qt::DotLine);
    p.setPen(pen);
    const QRectF f = g.frame();
    if (m.vertical) {
      const double x = g.px(m.at);
      p.drawLine(QPointF(x, f.top()), QPointF(x, f.bottom()));
      p.drawText(QRectF(x + 3, f.top() + 2, 200, fm.height()), Qt::AlignLeft | Qt::AlignTop, m.label);
    } else {
      const double y = g.py(m.at);
      p.drawLine(QPointF(f.left(), y), QPointF(f.right(), y));
      p.drawText(QRectF(f.left() + 3, y - fm.height() - 1, 300, fm.height()), Qt::AlignLeft | Qt::AlignBottom, m.label);
    }
  }
}

void paintPointLabels(QPainter& p, const Plot& plot, const PlotGeometry& g) {
  const QFontMetricsF fm(p.font());
  const double maxWidth = fm.averageCharWidth() * kPlotNameChars;
  for (const PlotSeries& s : plot.series) {
    if (s.labels.isEmpty()) continue;
    p.setPen(plotColor(s.color).darker(150));
    for (std::size_t i = 0; i < s.points.size() && i < static_cast<std::size_t>(s.labels.size()); ++i) {
      const QString& text = s.labels[static_cast<int>(i)];
      if (text.isEmpty()) continue;
      const QString shown = fm.elidedText(text, Qt::ElideMiddle, maxWidth);
      const double x = g.px(s.points[i].x()), y = g.py(s.points[i].y());
      // Left of points in the right third of the frame, so the label stays inside.
      const bool left = x > g.frame().left() + g.frame().width() * 0.66;
      const double w = fm.horizontalAdvance(shown);
      p.drawText(QRectF(left ? x - 7 - w : x + 7, y - fm.height(), w + 1, fm.height()), Qt::AlignLeft | Qt::AlignBottom,
                 shown);
    }
  }
}

}  // namespace sb::gui
