// stratbench-gui [--page NAME] [FILE...] [--screenshot PNG]: explore and compare results files
// on the desktop.
#include <cstdio>

#include <QApplication>
#include <QCommandLineOption>
#include <QCommandLineParser>

#include "main_window.hpp"
#include "screenshot_on_first_paint.hpp"

namespace {

// Long enough for a cold start on a loaded CI machine, short enough to fail a CTest run fast.
constexpr int kScreenshotTimeoutMs = 20000;

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("stratbench-gui"));
  QApplication::setOrganizationName(QStringLiteral("stratbench"));  // where QSettings keeps recent files
  QApplication::setApplicationVersion(QStringLiteral(STRATBENCH_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Explore and compare stratbench results."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("FILE"),
                               QStringLiteral("Results files (schema stratbench/run/v1) to open; the first is the "
                                              "baseline of the Compare page, the last is shown."),
                               QStringLiteral("[FILE...]"));
  const QCommandLineOption page(
      QStringLiteral("page"),
      QStringLiteral("The page to show first: %1.").arg(sb::gui::MainWindow::pageNames().join(QStringLiteral(", "))),
      QStringLiteral("NAME"));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Show the FILEs, save a PNG of the window once it has been painted, and exit: "
                     "0 saved, 1 not saved, 2 a FILE unreadable or a bad --page. No dialogs."),
      QStringLiteral("PNG"));
  const QCommandLineOption listPages(QStringLiteral("list-pages"),
                                     QStringLiteral("Print the page names, one per line, and exit."));
  parser.addOption(page);
  parser.addOption(listPages);
  parser.addOption(screenshot);
  parser.process(app);

  if (parser.isSet(listPages)) {
    for (const QString& name : sb::gui::MainWindow::pageNames()) std::printf("%s\n", qPrintable(name));
    return 0;
  }
  const QStringList files = parser.positionalArguments();
  sb::gui::MainWindow window;
  if (parser.isSet(page) && !window.showPage(parser.value(page))) {
    std::fprintf(stderr, "stratbench-gui: --page: no page \"%s\"; the pages are %s\n", qPrintable(parser.value(page)),
                 qPrintable(sb::gui::MainWindow::pageNames().join(QStringLiteral(", "))));
    return 2;
  }
  if (parser.isSet(screenshot)) {
    for (const QString& file : files) {
      QString error;
      if (!window.openFile(file, &error)) {
        std::fprintf(stderr, "stratbench-gui: %s\n", qPrintable(error));
        return 2;
      }
    }
    sb::gui::ScreenshotOnFirstPaint shot(&window, parser.value(screenshot), kScreenshotTimeoutMs);
    window.show();
    return QApplication::exec();
  }

  window.show();
  // After show(), so an error dialog has a visible parent to centre on.
  for (const QString& file : files) window.openFileInteractively(file);
  return QApplication::exec();
}
