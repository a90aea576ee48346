// Saves a PNG of a window shortly after its first paint (once the chart has laid itself out),
// then ends the event loop: with 0 when the file was written, 1 when not (no paint within the
// time limit, or a write error).
// Drives `stratbench-gui --screenshot`, which the Xvfb test uses to check the real platform
// plugin draws the table and the chart.
#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class QWidget;

namespace sb::gui {

class ScreenshotOnFirstPaint : public QObject {
  Q_OBJECT

 public:
  // Watch window from now on; show it afterwards. timeoutMs bounds the wait for a paint, so
  // a platform that never exposes the window fails the test instead of hanging it.
  ScreenshotOnFirstPaint(QWidget* window, QString path, int timeoutMs, QObject* parent = nullptr);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void capture();

  QWidget* window_;
  QString path_;
  QTimer timeout_;
  QTimer settle_;
  bool scheduled_ = false;
};

}  // namespace sb::gui
