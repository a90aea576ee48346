// Launcher: build a matrix from `stratbench list --json` (workloads, their parameters,
// strategy presets), run it as a child `stratbench run`, follow its progress in the run's
// JSONL log, cancel it as Ctrl-C does (first after the current cell, then at once), and
// open the results when it ends.
#pragma once

#include <functional>

#include <QProcess>
#include <QTimer>
#include <QWidget>

#include "stratbench/gui/launch.hpp"

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QDoubleSpinBox;
class QCheckBox;

namespace sb::gui {

class LauncherPage : public QWidget {
  Q_OBJECT

 public:
  // `open` is called with the results file of a run that ended with results.
  LauncherPage(std::function<bool(const QString&)> open, QWidget* parent = nullptr);
  ~LauncherPage() override;

  // The stratbench binary: $STRATBENCH_BIN, else `stratbench` beside this program.
  static QString stratbenchBinary();
  // Reads the catalog from the binary; false with the reason shown on the page.
  bool loadCatalog();
  LaunchSpec spec() const;
  QListWidget* workloads() const { return workloads_; }
  QListWidget* strategies() const { return strategies_; }
  QTableWidget* params() const { return params_; }
  QLineEdit* output() const { return output_; }
  QPushButton* runButton() const { return run_; }
  QPushButton* cancelButton() const { return cancel_; }
  QProgressBar* progress() const { return progress_; }
  QLabel* status() const { return status_; }
  bool running() const { return process_.state() != QProcess::NotRunning; }

 public Q_SLOTS:
  void start();
  void cancel();

 Q_SIGNALS:
  void finished(int exitCode);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void rebuildParams();
  void poll();

  std::function<bool(const QString&)> open_;
  Catalog catalog_;
  QListWidget *workloads_, *strategies_;
  QLineEdit* extraStrategies_;
  QTableWidget* params_;
  QLineEdit* output_;
  QDoubleSpinBox* budget_;
  QCheckBox* trace_;
  QPushButton *run_, *cancel_, *follow_;
  QProgressBar* progress_;
  QLabel* status_;
  QPlainTextEdit* log_;
  QProcess process_;
  QTimer poll_;
  int total_ = -1, interrupts_ = 0;
  QString logPath_;
};

}  // namespace sb::gui
