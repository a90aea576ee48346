// The plot painter on pixels: each series is drawn in its colour, the empty text shows,
// PNG and SVG files come out, and a results file's markup is drawn as characters.
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QTest>

#include "image_checks.hpp"
#include "stratbench/gui/plot_painter.hpp"
#include "stratbench/gui/plots.hpp"
#include "test_data.hpp"

using namespace sb::gui;

namespace {

QImage render(const Plot& plot, QSize size = {800, 500}) {
  QImage image(size, QImage::Format_RGB32);
  QPainter p(&image);
  paintPlot(p, QRectF(QPointF(0, 0), size), plot);
  return image;
}

}  // namespace

class PlotPainterTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void paletteTellsFifteenApart() {
    QCOMPARE(plotPaletteSize(), 15);
    for (int i = 0; i < plotPaletteSize(); ++i)
      for (int j = i + 1; j < plotPaletteSize(); ++j) {
        const QColor a = plotColor(i), b = plotColor(j);
        const int d = std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
        QVERIFY2(d > 60, qPrintable(QStringLiteral("colours %1 and %2 are too close").arg(i).arg(j)));
      }
    QVERIFY(!plotDashed(14));
    QVERIFY(plotDashed(15));  // from the 16th series on, dashes tell the repeats apart
  }

  void everySeriesIsDrawnInItsColour() {
    const sb::RunFile sample = sb::gui::test::loadSample();
    const auto cells = cellsLike(sample, sample.cells[0]);
    for (const Plot& plot : {boxPlot(cells), ecdfPlot(cells), memoryPlot(cells)}) {
      const QImage image = render(plot);
      QVERIFY(sb::gui::test::distinctColours(image) >= 32);
      for (const PlotSeries& s : plot.series)
        QVERIFY2(sb::gui::test::countPixels(image, plotColor(s.color)) > 20,
                 qPrintable(plot.title + ": " + s.name + " not drawn"));
    }
  }

  void emptyPlotShowsItsText() {
    Plot empty;
    empty.emptyText = QStringLiteral("Nothing to show here");
    const QImage image = render(empty);
    QVERIFY(sb::gui::test::distinctColours(image) >= 4);  // text, anti-aliased
  }

  void savesPngAndSvg() {
    QTemporaryDir dir;
    const sb::RunFile sample = sb::gui::test::loadSample();
    const Plot plot = boxPlot(cellsLike(sample, sample.cells[0]));
    QString error;
    QVERIFY2(savePlot(plot, dir.filePath("p.png"), {640, 400}, &error), qPrintable(error));
    QCOMPARE(QImage(dir.filePath("p.png")).size(), QSize(640, 400));
    QVERIFY2(savePlot(plot, dir.filePath("p.svg"), {640, 400}, &error), qPrintable(error));
    QFile svg(dir.filePath("p.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray text = svg.readAll();
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.contains("blocked+simd"));  // text stays text
    QVERIFY(!savePlot(plot, dir.filePath("no/such/dir/p.png"), {640, 400}, &error));
    QVERIFY(error.contains("p.png"));
  }

  void markupFromAFileIsDrawnAsCharacters() {
    // Drawn with QPainter::drawText, which never interprets markup: the SVG holds the
    // escaped characters, and nothing was loaded from /dev/zero.
    QTemporaryDir dir;
    Plot plot;
    plot.title = QStringLiteral("<img src=\"/dev/zero\">");
    plot.x.title = QStringLiteral("<b>x</b>");
    PlotSeries s;
    s.name = QStringLiteral("<img src=\"/dev/zero\">");
    s.points = {{1, 1}, {2, 2}};
    s.labels = {QStringLiteral("<i>a</i>"), QString()};
    plot.series = {s, s};
    plot.x.hi = plot.y.hi = 3;
    QString error;
    QVERIFY(savePlot(plot, dir.filePath("h.svg"), {640, 400}, &error));
    QFile svg(dir.filePath("h.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray text = svg.readAll();
    QVERIFY(text.contains("&lt;img src=&quot;/dev/zero&quot;&gt;") || text.contains("&lt;img src=\"/dev/zero\"&gt;"));
    QVERIFY(text.contains("&lt;b&gt;x&lt;/b&gt;"));
  }
};

int main(int argc, char** argv) {
  // Text needs fonts, which need a GUI application; the offscreen platform needs no display.
  QGuiApplication app(argc, argv);
  PlotPainterTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "plot_painter_test.moc"
