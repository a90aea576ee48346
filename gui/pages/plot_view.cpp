#include "plot_view.hpp"

#include <cmath>

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/plot_painter.hpp"
#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {
namespace {
constexpr double kHitPixels = 8;
}

PlotView::PlotView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(320, 220);
  setFocusPolicy(Qt::StrongFocus);
}

void PlotView::setPlot(Plot plot) {
  plot_ = std::move(plot);
  setAccessibleName(plot_.title);
  update();
}

bool PlotView::save(const QString& path, QString* error) const { return savePlot(plot_, path, size(), error); }

void PlotView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setFont(font());
  paintPlot(p, rect(), plot_);
}

bool PlotView::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    const QString text = describe(help->pos());
    if (text.isEmpty())
      QToolTip::hideText();
    else
      QToolTip::showText(help->globalPos(), plainToolTip(text), this);
    return true;
  }
  return QWidget::event(e);
}

QString PlotView::describe(const QPointF& pos) const {
  if (plot_.empty()) return {};
  const PlotGeometry g(plot_, rect(), font());
  if (!g.frame().contains(pos)) return {};
  // The nearest point of any series within a few pixels; linear, which a 10^5-point sweep
  // affords at hover rate.
  double best = kHitPixels * kHitPixels;
  QString found;
  const QString xu = plot_.x.unit.isEmpty() ? QString() : u' ' + plot_.x.unit;
  const QString yu = plot_.y.unit.isEmpty() ? QString() : u' ' + plot_.y.unit;
  for (const PlotSeries& s : plot_.series) {
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const QPointF& pt = s.points[i];
      const double dx = g.px(pt.x()) - pos.x(), dy = g.py(pt.y()) - pos.y();
      if (dx * dx + dy * dy > best) continue;
      best = dx * dx + dy * dy;
      const bool zero = plot_.x.zeroAt && pt.x() == *plot_.x.zeroAt;  // the log axis's stand-in for 0
      const QString x = !plot_.x.categories.isEmpty() ? plot_.x.categories.value(static_cast<int>(pt.x()))
                        : zero                        ? QStringLiteral("0") + xu
                                                      : formatMeasurement(pt.x()) + xu;
      found = QStringLiteral("%1\n%2: %3\n%4: %5")
                  .arg(s.name, plot_.x.title, x, plot_.y.title, formatMeasurement(pt.y()) + yu);
    }
    for (std::size_t i = 0; i < s.boxes.size(); ++i) {
      if (!s.boxes[i] || std::abs(g.px(static_cast<double>(i)) - pos.x()) > g.slotWidth() / 2) continue;
      const BoxStats& b = *s.boxes[i];
      if (pos.y() < g.py(b.whisker_hi) - kHitPixels || pos.y() > g.py(b.whisker_lo) + kHitPixels) continue;
      found = QStringLiteral("%1: %2 samples\np50 %3 [%4, %5]\nquartiles %6 to %7\np90 %8, p99 %9%10")
                  .arg(s.name)
                  .arg(b.n)
                  .arg(formatMeasurement(b.median), formatMeasurement(b.median_ci_lo),
                       formatMeasurement(b.median_ci_hi), formatMeasurement(b.q1), formatMeasurement(b.q3),
                       formatMeasurement(b.p90), formatMeasurement(b.p99), yu);
    }
  }
  return found;
}

}  // namespace sb::gui
