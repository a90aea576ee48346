// Draws a Plot (plot.hpp) with QPainter: on a widget, into a PNG, into an SVG. One painter
// for all three, so what a user exports is what they saw. All text is drawn with
// QPainter::drawText, which never interprets markup: a name from a results file is shown as
// the characters it is.
#pragma once

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QSize>
#include <QString>

#include "stratbench/gui/plot.hpp"

class QPainter;

namespace sb::gui {

// Characters of a name (legend, category, point label) drawn before it is elided.
inline constexpr int kPlotNameChars = 36;

// The series colours: 15 that stay apart for readers with common colour-vision
// deficiencies at the sizes drawn (Tableau's categorical set, darkened where it washes out);
// from the 16th on, the colours repeat with a dashed line (plotDashed).
QColor plotColor(int index);
int plotPaletteSize();
bool plotDashed(int index);

// Where the data area of a plot lies in `area`, and the mapping from values to pixels; the
// widget uses it to find what is under the cursor.
class PlotGeometry {
 public:
  PlotGeometry(const Plot& plot, const QRectF& area, const QFont& font);
  QRectF frame() const { return frame_; }
  QRectF legend() const { return legend_; }
  double px(double x) const;  // value on the x axis (a category index for category axes)
  double py(double y) const;
  // The category slot's width on a category axis, else 0.
  double slotWidth() const;

 private:
  const Plot* plot_;
  QRectF frame_, legend_;
};

// Draws the whole plot (title, note, axes with units, series, marks, legend) into `area`.
void paintPlot(QPainter& painter, const QRectF& area, const Plot& plot);

// The text of a tick value: its shortest form ("0.8", "25", "1e+06").
QString formatTick(double value);

// Writes the plot at `size` to `path`: SVG when the path ends in ".svg", else PNG. False
// with the reason in *error when the file cannot be written.
bool savePlot(const Plot& plot, const QString& path, QSize size, QString* error);

}  // namespace sb::gui
