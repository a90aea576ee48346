// A trace's timeline: tracks per thread, GPU stream and async group, ranges nested by depth,
// a time axis. Wheel or W/S zooms around the cursor, drag or A/D pans, Shift+wheel or
// Up/Down scrolls the tracks, Home shows everything; a click selects a range. Drawing is
// bounded by the pixels, not the events: per row, a binary search finds the visible ranges
// and ranges narrower than a pixel that fall in one column are drawn once.
#pragma once

#include <QWidget>

#include "stratbench/gui/timeline_data.hpp"

namespace sb::gui {

class TimelineView : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineView(QWidget* parent = nullptr);
  void setTimeline(TimelineData data);
  const TimelineData& timeline() const { return data_; }

  // The visible window, ns on the trace's clock.
  double windowStart() const { return t0_; }
  double windowEnd() const { return t1_; }
  void setWindow(double t0, double t1);
  void zoom(double factor, double anchorX);  // factor < 1 zooms in, around a widget x
  void pan(double pixels);

  // Draws the visible part into `painter` over `size`; the widget's paintEvent and the
  // frame-time benchmark call it. Returns the number of rectangles drawn.
  std::size_t render(QPainter& painter, QSize size) const;

  QSize sizeHint() const override { return {900, 400}; }

 Q_SIGNALS:
  // A click on a range: its index in the TraceData's ranges, and its name.
  void rangeSelected(std::uint32_t source, const QString& name);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Hit {
    const TimelineRange* range = nullptr;
  };
  Hit hitAt(QPointF pos) const;
  double xOf(double t) const;
  double timeAt(double x) const;
  int contentHeight() const;

  TimelineData data_;
  double t0_ = 0, t1_ = 1;
  int scrollY_ = 0;
  QPointF dragFrom_;
  bool dragging_ = false;
  std::uint32_t selected_ = UINT32_MAX;  // source index of the selected range
};

}  // namespace sb::gui
