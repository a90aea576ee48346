// A Plot on screen: paints it with the one plot painter and names what is under the cursor
// (series, point, value) in a plain-text tooltip. Export writes the same picture.
#pragma once

#include <QWidget>

#include "stratbench/gui/plot.hpp"

namespace sb::gui {

class PlotView : public QWidget {
  Q_OBJECT

 public:
  explicit PlotView(QWidget* parent = nullptr);
  void setPlot(Plot plot);
  const Plot& plot() const { return plot_; }
  // PNG or SVG by the suffix, at the widget's size; false with the reason in *error.
  bool save(const QString& path, QString* error) const;

  QSize sizeHint() const override { return {640, 420}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  // What the cursor at `pos` points at, or empty.
  QString describe(const QPointF& pos) const;

  Plot plot_;
};

}  // namespace sb::gui
