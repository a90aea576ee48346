// stratbench-gui [FILE] [--screenshot PNG]: explore a results file on the desktop.
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
  QApplication::setApplicationVersion(QStringLiteral(STRATBENCH_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Explore and compare stratbench results."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("FILE"),
                               QStringLiteral("Results file (schema stratbench/run/v1) to open."),
                               QStringLiteral("[FILE]"));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Show FILE, save a PNG of the window once it has been painted, and exit: "
                     "0 saved, 1 not saved, 2 FILE unreadable. No dialogs."),
      QStringLiteral("PNG"));
  parser.addOption(screenshot);
  parser.process(app);

  const QStringList files = parser.positionalArguments();
  if (files.size() > 1) {
    std::fprintf(stderr, "stratbench-gui: at most one FILE, got %lld\n", static_cast<long long>(files.size()));
    return 2;
  }

  sb::gui::MainWindow window;
  if (parser.isSet(screenshot)) {
    QString error;
    if (!files.isEmpty() && !window.openFile(files.front(), &error)) {
      std::fprintf(stderr, "stratbench-gui: %s\n", qPrintable(error));
      return 2;
    }
    sb::gui::ScreenshotOnFirstPaint shot(&window, parser.value(screenshot), kScreenshotTimeoutMs);
    window.show();
    return QApplication::exec();
  }

  window.show();
  // After show(), so the error dialog has a visible parent to centre on.
  if (!files.isEmpty()) window.openFileInteractively(files.front());
  return QApplication::exec();
}
