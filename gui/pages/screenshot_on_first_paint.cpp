#include "screenshot_on_first_paint.hpp"

#include <cstdio>
#include <utility>

#include <QCoreApplication>
#include <QEvent>
#include <QPixmap>
#include <QWidget>

namespace sb::gui {
namespace {

// After the first paint, the chart's scene lays itself out through posted events and paints
// again; this leaves time for those rounds even on a loaded machine.
constexpr int kSettleMs = 300;

}  // namespace

ScreenshotOnFirstPaint::ScreenshotOnFirstPaint(QWidget* window, QString path, int timeoutMs, QObject* parent)
    : QObject(parent), window_(window), path_(std::move(path)) {
  // Any widget of the window may be the first to paint, so watch them all.
  QCoreApplication::instance()->installEventFilter(this);
  timeout_.setSingleShot(true);
  connect(&timeout_, &QTimer::timeout, this, [timeoutMs] {
    std::fprintf(stderr, "stratbench-gui: the window was not painted within %d ms; no screenshot\n", timeoutMs);
    QCoreApplication::exit(1);
  });
  timeout_.start(timeoutMs);
  settle_.setSingleShot(true);
  settle_.setInterval(kSettleMs);
  connect(&settle_, &QTimer::timeout, this, &ScreenshotOnFirstPaint::capture);
}

bool ScreenshotOnFirstPaint::eventFilter(QObject* watched, QEvent* event) {
  if (!scheduled_ && event->type() == QEvent::Paint && watched->isWidgetType() &&
      static_cast<QWidget*>(watched)->window() == window_) {
    scheduled_ = true;
    QCoreApplication::instance()->removeEventFilter(this);
    settle_.start();
  }
  return QObject::eventFilter(watched, event);
}

void ScreenshotOnFirstPaint::capture() {
  timeout_.stop();
  QCoreApplication::sendPostedEvents();  // any layout still pending
  const QPixmap picture = window_->grab();
  if (picture.isNull() || !picture.save(path_, "PNG")) {
    std::fprintf(stderr, "stratbench-gui: cannot write the screenshot %s\n", qPrintable(path_));
    QCoreApplication::exit(1);
    return;
  }
  QCoreApplication::exit(0);
}

}  // namespace sb::gui
