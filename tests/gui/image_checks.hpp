// Pixel checks for screenshots: enough to tell a drawn window from a blank or uniform one,
// without golden images that would break on every font or style change.
#pragma once

#include <QColor>
#include <QImage>
#include <QSet>

namespace sb::gui::test {

inline int distinctColours(const QImage& image, int stopAt = 1 << 20) {
  const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
  QSet<QRgb> colours;
  for (int y = 0; y < rgb.height(); ++y) {
    const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
    for (int x = 0; x < rgb.width(); ++x) {
      colours.insert(line[x]);
      if (colours.size() >= stopAt) return colours.size();
    }
  }
  return static_cast<int>(colours.size());
}

// Pixels of exactly this colour: a bar set's fill shows up as a solid block.
inline int countPixels(const QImage& image, QColor colour) {
  const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
  const QRgb wanted = colour.rgb();
  int count = 0;
  for (int y = 0; y < rgb.height(); ++y) {
    const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
    for (int x = 0; x < rgb.width(); ++x) count += (line[x] | 0xff000000u) == wanted;
  }
  return count;
}

}  // namespace sb::gui::test
