#include "stratbench/gui/plot_painter.hpp"

#include <algorithm>
#include <cmath>

#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

#include "plot_series_painter.hpp"
#include "stratbench/gui/number_format.hpp"

namespace sb::gui {
namespace {

constexpr QRgb kPalette[] = {0x1f77b4, 0xd62728, 0x2ca02c, 0xff7f0e, 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf,
                             0x9a9a1c, 0x5f5f5f, 0x393b79, 0x637939, 0x00a087, 0x7b4173, 0x6baed6};
constexpr int kPaletteSize = static_cast<int>(std::size(kPalette));
// Characters of a category or legend name before it is elided (the hover text has it whole):
// "simd+blocked+threads=2+pool+fused" stays whole.
constexpr int kMaxNameChars = kPlotNameChars;
constexpr double kPad = 8;

QString elided(const QFontMetricsF& fm, const QString& s, double width) {
  return fm.elidedText(s, Qt::ElideMiddle, width);
}

double legendWidth(const Plot& plot, const QFontMetricsF& fm, double areaWidth) {
  if (plot.series.size() < 2) return 0;
  double w = 0;
  for (const PlotSeries& s : plot.series) w = std::max(w, fm.horizontalAdvance(s.name));
  const double cap = std::min(fm.averageCharWidth() * kMaxNameChars, areaWidth * 0.3);
  return std::min(w, cap) + 28;
}

// Category labels are drawn rotated when they do not fit side by side.
bool rotateCategories(const PlotAxis& x, const QFontMetricsF& fm, double width) {
  if (x.categories.isEmpty()) return false;
  double widest = 0;
  for (const QString& c : x.categories) widest = std::max(widest, fm.horizontalAdvance(c));
  return widest + 6 > width / x.categories.size();
}

double categoryLabelsHeight(const PlotAxis& x, const QFontMetricsF& fm, double width) {
  if (!rotateCategories(x, fm, width)) return fm.height();
  double widest = 0;
  for (const QString& c : x.categories) widest = std::max(widest, fm.horizontalAdvance(c));
  return std::min(widest, fm.averageCharWidth() * kMaxNameChars) * 0.72 + fm.height();
}

double yTickLabelsWidth(const PlotAxis& y, const QFontMetricsF& fm) {
  double w = 0;
  for (const double t : axisTicks(y, 8)) w = std::max(w, fm.horizontalAdvance(formatTick(t)));
  return w;
}

}  // namespace

QColor plotColor(int index) {
  return QColor::fromRgb(kPalette[((index % kPaletteSize) + kPaletteSize) % kPaletteSize]);
}
int plotPaletteSize() { return kPaletteSize; }
bool plotDashed(int index) { return index >= kPaletteSize; }

QString formatTick(double value) {
  // The shortest text: ticks are round numbers, "0.8" and "25", not "0.8000" and "25.00".
  return QString::number(value, 'g', 6);
}

PlotGeometry::PlotGeometry(const Plot& plot, const QRectF& area, const QFont& font) : plot_(&plot) {
  const QFontMetricsF fm(font);
  double top = area.top() + kPad + fm.height() * 1.4;
  if (!plot.note.isEmpty()) top += fm.height();
  const double lw = legendWidth(plot, fm, area.width());
  const double left = area.left() + kPad + fm.height() + 4 + yTickLabelsWidth(plot.y, fm) + 6;
  const double right = area.right() - kPad - (lw > 0 ? lw + kPad : 0);
  const double bottom =
      area.bottom() - kPad - fm.height() - 4 - categoryLabelsHeight(plot.x, fm, std::max(right - left, 1.0)) - 4;
  frame_ = QRectF(QPointF(left, top), QPointF(std::max(right, left + 10), std::max(bottom, top + 10)));
  if (lw > 0) legend_ = QRectF(frame_.right() + kPad, frame_.top(), lw, frame_.height());
}

double PlotGeometry::slotWidth() const {
  const int n = static_cast<int>(plot_->x.categories.size());
  return n > 0 ? frame_.width() / n : 0;
}

static double axisFraction(const PlotAxis& a, double v) {
  if (a.log) return (std::log10(std::max(v, 1e-300)) - std::log10(a.lo)) / (std::log10(a.hi) - std::log10(a.lo));
  return a.hi == a.lo ? 0.5 : (v - a.lo) / (a.hi - a.lo);
}

double PlotGeometry::px(double x) const {
  if (!plot_->x.categories.isEmpty()) return frame_.left() + (x + 0.5) * slotWidth();
  return frame_.left() + axisFraction(plot_->x, x) * frame_.width();
}

double PlotGeometry::py(double y) const {
  if (!plot_->y.categories.isEmpty()) {
    const double slot = frame_.height() / static_cast<double>(plot_->y.categories.size());
    return frame_.top() + (y + 0.5) * slot;
  }
  return frame_.bottom() - axisFraction(plot_->y, y) * frame_.height();
}

namespace {

void paintAxes(QPainter& p, const Plot& plot, const PlotGeometry& g) {
  const QFontMetricsF fm(p.font());
  const QRectF f = g.frame();
  const QColor grid(0xe4, 0xe4, 0xe4), ink(0x30, 0x30, 0x30);
  // y: grid lines and tick labels
  for (const double t : axisTicks(plot.y, 8)) {
    const double y = g.py(t);
    p.setPen(QPen(grid, 1));
    p.drawLine(QPointF(f.left(), y), QPointF(f.right(), y));
    p.setPen(ink);
    const QString s = plot.y.zeroAt && t == *plot.y.zeroAt ? QStringLiteral("0") : formatTick(t);
    p.drawText(QRectF(f.left() - 200 - 6, y - fm.height() / 2, 200, fm.height()), Qt::AlignRight | Qt::AlignVCenter, s);
  }
  // x: numbers, or category names (rotated and elided when crowded; every k-th when dense)
  if (plot.x.categories.isEmpty()) {
    for (const double t : axisTicks(plot.x, std::max(2, static_cast<int>(f.width() / 90)))) {
      const double x = g.px(t);
      p.setPen(QPen(grid, 1));
      p.drawLine(QPointF(x, f.top()), QPointF(x, f.bottom()));
      p.setPen(ink);
      const QString s = plot.x.zeroAt && t == *plot.x.zeroAt ? QStringLiteral("0") : formatTick(t);
      p.drawText(QRectF(x - 60, f.bottom() + 3, 120, fm.height()), Qt::AlignHCenter | Qt::AlignTop, s);
    }
  } else {
    const int n = static_cast<int>(plot.x.categories.size());
    const bool rotate = rotateCategories(plot.x, fm, f.width());
    const int every = std::max(1, static_cast<int>(std::ceil(n * fm.height() / std::max(f.width(), 1.0))));
    const double maxLen = fm.averageCharWidth() * kMaxNameChars;
    p.setPen(ink);
    for (int i = 0; i < n; i += rotate ? every : 1) {
      const double x = g.px(i);
      if (!rotate) {
        const QString s = elided(fm, plot.x.categories[i], g.slotWidth() - 4);
        p.drawText(QRectF(x - g.slotWidth() / 2, f.bottom() + 3, g.slotWidth(), fm.height()), Qt::AlignCenter, s);
        continue;
      }
      p.save();
      p.translate(x + fm.height() / 3, f.bottom() + 4);
      p.rotate(-45);
      const QString s = elided(fm, plot.x.categories[i], maxLen);
      p.drawText(QRectF(-maxLen, -fm.height(), maxLen, fm.height()), Qt::AlignRight | Qt::AlignVCenter, s);
      p.restore();
    }
  }
  p.setPen(QPen(ink, 1));
  p.setBrush(Qt::NoBrush);
  p.drawRect(f);
  // axis titles, each with its unit
  const double xTitleY = f.bottom() + 4 + categoryLabelsHeight(plot.x, fm, f.width()) + 2;
  p.drawText(QRectF(f.left(), xTitleY, f.width(), fm.height()), Qt::AlignHCenter | Qt::AlignTop,
             elided(fm, plot.x.label(), f.width()));
  p.save();
  p.translate(f.left() - 6 - yTickLabelsWidth(plot.y, fm) - 4 - fm.height() / 2, f.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-f.height() / 2, -fm.height() / 2, f.height(), fm.height()), Qt::AlignCenter,
             elided(fm, plot.y.label(), f.height()));
  p.restore();
}

void paintLegend(QPainter& p, const Plot& plot, const PlotGeometry& g) {
  const QRectF box = g.legend();
  if (box.isEmpty()) return;
  const QFontMetricsF fm(p.font());
  double y = box.top();
  for (const PlotSeries& s : plot.series) {
    if (y + fm.height() > box.bottom()) {
      p.setPen(QColor(0x60, 0x60, 0x60));
      p.drawText(QRectF(box.left(), y, box.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                 QStringLiteral("\u2026"));
      break;
    }
    // A swatch on whole pixels, so it is the series' exact colour; dashed series get two.
    const QRect swatch(static_cast<int>(box.left()), static_cast<int>(y + fm.height() / 2) - 3, 18, 6);
    if (s.dashed || plotDashed(s.color)) {
      p.fillRect(swatch.adjusted(0, 0, -11, 0), plotColor(s.color));
      p.fillRect(swatch.adjusted(11, 0, 0, 0), plotColor(s.color));
    } else {
      p.fillRect(swatch, plotColor(s.color));
    }
    p.setPen(QColor(0x20, 0x20, 0x20));
    p.drawText(QRectF(box.left() + 24, y, box.width() - 24, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               elided(fm, s.name, box.width() - 24));
    y += fm.height() + 2;
  }
}

}  // namespace

void paintPlot(QPainter& p, const QRectF& area, const Plot& plot) {
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  p.fillRect(area, Qt::white);
  const QFontMetricsF fm(p.font());
  QFont bold = p.font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(QColor(0x10, 0x10, 0x10));
  p.drawText(QRectF(area.left() + kPad, area.top() + kPad / 2, area.width() - 2 * kPad, fm.height() * 1.4),
             Qt::AlignLeft | Qt::AlignVCenter, elided(QFontMetricsF(bold), plot.title, area.width() - 2 * kPad));
  QFont normal = bold;
  normal.setBold(false);
  p.setFont(normal);
  if (!plot.note.isEmpty()) {
    p.setPen(QColor(0x60, 0x60, 0x60));
    p.drawText(
        QRectF(area.left() + kPad, area.top() + kPad / 2 + fm.height() * 1.4, area.width() - 2 * kPad, fm.height()),
        Qt::AlignLeft | Qt::AlignVCenter, elided(fm, plot.note, area.width() - 2 * kPad));
  }
  if (plot.empty()) {
    p.setPen(QColor(0x50, 0x50, 0x50));
    p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, plot.emptyText);
    p.restore();
    return;
  }
  const PlotGeometry g(plot, area, p.font());
  paintAxes(p, plot, g);
  p.save();
  p.setClipRect(g.frame().adjusted(-1, -1, 1, 1));
  for (std::size_t i = 0; i < plot.series.size(); ++i) paintSeries(p, plot, g, i);
  paintMarks(p, plot, g);
  p.restore();
  paintPointLabels(p, plot, g);
  paintLegend(p, plot, g);
  p.restore();
}

bool savePlot(const Plot& plot, const QString& path, QSize size, QString* error) {
  if (path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive)) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
      if (error) *error = path + QStringLiteral(": ") + file.errorString();
      return false;
    }
    QSvgGenerator svg;
    svg.setOutputDevice(&file);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(plot.title);
    QPainter p(&svg);
    paintPlot(p, QRectF(QPointF(0, 0), size), plot);
    p.end();
    return true;
  }
  QImage image(size, QImage::Format_RGB32);
  {
    QPainter p(&image);
    paintPlot(p, QRectF(QPointF(0, 0), size), plot);
  }
  if (!image.save(path, "PNG")) {
    if (error) *error = path + QStringLiteral(": cannot write the PNG");
    return false;
  }
  return true;
}

}  // namespace sb::gui
