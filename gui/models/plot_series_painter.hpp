// The data layer of paintPlot: each series by its kind, the reference marks, the point
// labels. Internal to plot_painter.cpp.
#pragma once

#include <cstddef>

#include "stratbench/gui/plot_painter.hpp"

namespace sb::gui {

void paintSeries(QPainter& p, const Plot& plot, const PlotGeometry& g, std::size_t index);
void paintMarks(QPainter& p, const Plot& plot, const PlotGeometry& g);
// After the clip is lifted, so a label near the frame's edge stays readable.
void paintPointLabels(QPainter& p, const Plot& plot, const PlotGeometry& g);

}  // namespace sb::gui
