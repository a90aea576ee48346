// The main window: File menu, the cell table above the throughput chart, and a status bar
// describing the run. It owns the models; the pages only wire them to widgets.
#pragma once

#include <QMainWindow>

class QLabel;

namespace sb::gui {

class CellTableModel;
class CellTablePage;
class ThroughputChartPage;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Loads path and shows its run. On failure returns false with the reason in *error (file
  // and field) and keeps showing the previous run. Never opens a dialog: tests and
  // --screenshot call it without anyone to click "OK".
  bool openFile(const QString& path, QString* error = nullptr);
  // openFile, reporting a failure with QMessageBox::critical: for the menu and the command line.
  bool openFileInteractively(const QString& path);

  CellTablePage* tablePage() const { return tablePage_; }
  ThroughputChartPage* chartPage() const { return chartPage_; }

 public Q_SLOTS:
  // File → Open.
  void showOpenDialog();

 private:
  void showRunSummary(const QString& path);

  CellTableModel* model_;
  CellTablePage* tablePage_;
  ThroughputChartPage* chartPage_;
  QLabel* summary_;
  QString lastDir_;  // where the next Open dialog starts
};

}  // namespace sb::gui
