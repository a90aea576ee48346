#include "timeline_view.hpp"

#include <algorithm>
#include <cmath>

#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include "stratbench/gui/plot_painter.hpp"
#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {
namespace {

constexpr int kGutter = 150;  // track names
constexpr int kAxis = 24;     // time axis
constexpr int kRow = 17;      // one nesting level
constexpr int kTitle = 18;    // a track's name row
constexpr double kMinWindowNs = 100;

QColor rangeColor(std::uint32_t name) {
  QColor c = plotColor(static_cast<int>(name % static_cast<std::uint32_t>(plotPaletteSize())));
  return QColor::fromHsv(c.hue(), c.saturation() * 6 / 10, std::min(255, c.value() + 40));
}

}  // namespace

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(false);
  setMinimumSize(400, 200);
}

void TimelineView::setTimeline(TimelineData data) {
  data_ = std::move(data);
  selected_ = UINT32_MAX;
  scrollY_ = 0;
  setWindow(static_cast<double>(data_.first), static_cast<double>(std::max(data_.last, data_.first + 1)));
}

void TimelineView::setWindow(double t0, double t1) {
  const double span = std::max(t1 - t0, kMinWindowNs);
  t0_ = t0;
  t1_ = t0 + span;
  update();
}

double TimelineView::xOf(double t) const { return kGutter + (t - t0_) / (t1_ - t0_) * (width() - kGutter); }
double TimelineView::timeAt(double x) const {
  return t0_ + (x - kGutter) / std::max(1, width() - kGutter) * (t1_ - t0_);
}

void TimelineView::zoom(double factor, double anchorX) {
  const double anchor = timeAt(std::clamp(anchorX, double(kGutter), double(width())));
  setWindow(anchor - (anchor - t0_) * factor, anchor + (t1_ - anchor) * factor);
}

void TimelineView::pan(double pixels) {
  const double dt = pixels / std::max(1, width() - kGutter) * (t1_ - t0_);
  setWindow(t0_ + dt, t1_ + dt);
}

int TimelineView::contentHeight() const {
  int h = kAxis;
  for (const auto& t : data_.tracks) h += kTitle + static_cast<int>(t.rows.size()) * kRow;
  return h;
}

std::size_t TimelineView::render(QPainter& p, QSize size) const {
  std::size_t drawn = 0;
  p.fillRect(QRect(QPoint(0, 0), size), Qt::white);
  if (data_.tracks.empty()) {
    p.setPen(QColor(0x50, 0x50, 0x50));
    p.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter,
               tr("Choose a cell with a trace (run --trace) to see its timeline."));
    return 0;
  }
  const double w = size.width() - kGutter;
  auto x = [&](double t) { return kGutter + (t - t0_) / (t1_ - t0_) * w; };
  const QFontMetrics fm(p.font());
  int y = kAxis - scrollY_;
  for (const TimelineTrack& track : data_.tracks) {
    if (y > size.height()) break;
    const int trackHeight = kTitle + static_cast<int>(track.rows.size()) * kRow;
    if (y + trackHeight < kAxis) {
      y += trackHeight;
      continue;
    }
    p.fillRect(QRect(0, y, size.width(), kTitle), QColor(0xf0, 0xf0, 0xf0));
    p.setPen(QColor(0x20, 0x20, 0x20));
    p.drawText(QRect(4, y, kGutter - 8, kTitle), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(track.name, Qt::ElideMiddle, kGutter - 8));
    y += kTitle;
    for (std::size_t row = 0; row < track.rows.size(); ++row, y += kRow) {
      if (y + kRow < kAxis || y > size.height()) continue;
      const auto [begin, end] =
          visibleRanges(track, row, static_cast<std::int64_t>(t0_), static_cast<std::int64_t>(t1_));
      int lastColumn = INT32_MIN;
      for (std::size_t i = begin; i < end; ++i) {
        const TimelineRange& r = track.rows[row][i];
        const double x0 = std::max(x(static_cast<double>(r.start)), double(kGutter));
        const double x1 = std::min(x(static_cast<double>(r.end)), double(size.width()));
        // Sub-pixel ranges in a column already drawn add nothing visible.
        if (x1 - x0 < 1 && static_cast<int>(x0) == lastColumn) continue;
        lastColumn = static_cast<int>(x1);
        const QRectF box(x0, y + 1, std::max(x1 - x0, 1.0), kRow - 2);
        p.fillRect(box, rangeColor(r.name));
        ++drawn;
        if (r.source == selected_) {
          p.setPen(QPen(Qt::black, 2));
          p.drawRect(box);
        }
        if (box.width() > 30) {
          p.setPen(QColor(0x10, 0x10, 0x10));
          p.drawText(box.adjusted(3, 0, -2, 0), Qt::AlignLeft | Qt::AlignVCenter,
                     fm.elidedText(qstr(data_.names[r.name]), Qt::ElideRight, static_cast<int>(box.width()) - 5));
        }
      }
    }
  }
  // The time axis over everything, relative to the trace's start.
  p.fillRect(QRect(0, 0, size.width(), kAxis), QColor(0xfa, 0xfa, 0xfa));
  PlotAxis axis;
  axis.lo = t0_ - static_cast<double>(data_.first);
  axis.hi = t1_ - static_cast<double>(data_.first);
  p.setPen(QColor(0x40, 0x40, 0x40));
  for (const double t : axisTicks(axis, std::max(2, static_cast<int>(w / 110)))) {
    const double tx = x(t + static_cast<double>(data_.first));
    p.drawLine(QPointF(tx, kAxis - 6), QPointF(tx, kAxis));
    p.drawText(QRectF(tx + 3, 0, 100, kAxis - 4), Qt::AlignLeft | Qt::AlignVCenter, formatNs(t));
  }
  p.drawText(QRect(4, 0, kGutter - 8, kAxis), Qt::AlignLeft | Qt::AlignVCenter,
             tr("%1 shown").arg(formatNs(t1_ - t0_)));
  p.drawLine(0, kAxis, size.width(), kAxis);
  return drawn;
}

void TimelineView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  render(p, size());
}

void TimelineView::wheelEvent(QWheelEvent* e) {
  const double steps = e->angleDelta().y() / 120.0;
  if (e->modifiers() & Qt::ShiftModifier) {
    scrollY_ =
        std::clamp(scrollY_ - static_cast<int>(steps * 3 * kRow), 0, std::max(0, contentHeight() - height() + kRow));
    update();
  } else {
    zoom(std::pow(0.8, steps), e->position().x());
  }
  e->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* e) {
  dragFrom_ = e->position();
  dragging_ = false;
}

void TimelineView::mouseMoveEvent(QMouseEvent* e) {
  if (!(e->buttons() & Qt::LeftButton)) return;
  const QPointF d = e->position() - dragFrom_;
  if (!dragging_ && std::abs(d.x()) + std::abs(d.y()) < 4) return;
  dragging_ = true;
  pan(-d.x());
  scrollY_ = std::clamp(scrollY_ - static_cast<int>(d.y()), 0, std::max(0, contentHeight() - height() + kRow));
  dragFrom_ = e->position();
}

void TimelineView::mouseReleaseEvent(QMouseEvent* e) {
  if (dragging_) return;
  if (const Hit h = hitAt(e->position()); h.range) {
    selected_ = h.range->source;
    update();
    Q_EMIT rangeSelected(h.range->source, qstr(data_.names[h.range->name]));
  }
}

void TimelineView::keyPressEvent(QKeyEvent* e) {
  const double mid = kGutter + (width() - kGutter) / 2.0;
  switch (e->key()) {
    case Qt::Key_W:
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoom(0.7, mid); break;
    case Qt::Key_S:
    case Qt::Key_Minus: zoom(1 / 0.7, mid); break;
    case Qt::Key_A:
    case Qt::Key_Left: pan(-(width() - kGutter) / 8.0); break;
    case Qt::Key_D:
    case Qt::Key_Right: pan((width() - kGutter) / 8.0); break;
    case Qt::Key_Up:
      scrollY_ = std::max(0, scrollY_ - kRow * 3);
      update();
      break;
    case Qt::Key_Down:
      scrollY_ = std::min(std::max(0, contentHeight() - height() + kRow), scrollY_ + kRow * 3);
      update();
      break;
    case Qt::Key_Home:
      setWindow(static_cast<double>(data_.first), static_cast<double>(std::max(data_.last, data_.first + 1)));
      break;
    default: QWidget::keyPressEvent(e); return;
  }
  e->accept();
}

TimelineView::Hit TimelineView::hitAt(QPointF pos) const {
  if (pos.x() < kGutter || pos.y() < kAxis) return {};
  const auto t = static_cast<std::int64_t>(timeAt(pos.x()));
  // Half a pixel each side, so a sliver can be hit.
  const auto slack = static_cast<std::int64_t>((t1_ - t0_) / std::max(1, width() - kGutter));
  int y = kAxis - scrollY_;
  for (const TimelineTrack& track : data_.tracks) {
    y += kTitle;
    for (std::size_t row = 0; row < track.rows.size(); ++row, y += kRow) {
      if (pos.y() < y || pos.y() >= y + kRow) continue;
      const auto [begin, end] = visibleRanges(track, row, t - slack, t + slack);
      return begin < end ? Hit{&track.rows[row][begin]} : Hit{};
    }
  }
  return {};
}

bool TimelineView::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    if (const Hit h = hitAt(help->pos()); h.range) {
      const double start = static_cast<double>(h.range->start - data_.first);
      QToolTip::showText(
          help->globalPos(),
          plainToolTip(QStringLiteral("%1\n%2, at %3")
                           .arg(qstr(data_.names[h.range->name]),
                                formatNs(static_cast<double>(h.range->end - h.range->start)), formatNs(start))),
          this);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QWidget::event(e);
}

}  // namespace sb::gui
