// gui_png_probe FILE: exit 0 when FILE is a PNG of a plausibly drawn window (window-sized, many
// colours), 1 otherwise. Keeps the Xvfb test's verdict in C++ rather than in shell.
#include <cstdio>

#include <QImage>

#include "image_checks.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gui_png_probe FILE.png\n");
    return 2;
  }
  const QImage image(QString::fromLocal8Bit(argv[1]), "PNG");
  if (image.isNull()) {
    std::fprintf(stderr, "FAIL: %s is not a readable PNG\n", argv[1]);
    return 1;
  }
  // A blank or single-colour window has a handful of colours; text and bars bring hundreds.
  const int colours = sb::gui::test::distinctColours(image, 1000);
  std::printf("%s: %dx%d, %d%s distinct colours\n", argv[1], image.width(), image.height(), colours,
              colours >= 1000 ? "+" : "");
  if (image.width() < 800 || image.height() < 600) {
    std::fprintf(stderr, "FAIL: smaller than the window (at least 800x600 expected)\n");
    return 1;
  }
  if (colours < 64) {
    std::fprintf(stderr, "FAIL: too few colours for a window with text and a chart\n");
    return 1;
  }
  return 0;
}
