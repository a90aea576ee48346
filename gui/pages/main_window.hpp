// The main window: pages over one RunStore (the loaded runs and the shared selection), a
// File menu (open several files, recent files, reload, export, copy), drag and drop, and a
// status bar describing the shown run. It owns the store and the table model; the pages
// only wire them to widgets.
#pragma once

#include <QMainWindow>

class QLabel;
class QMenu;
class QTabWidget;

namespace sb::gui {

class CellTableModel;
class CellTablePage;
class ComparePage;
class RunStore;
class ThroughputChartPage;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Loads path (again, when already open) and shows its run. On failure returns false with
  // the reason in *error (file and field) and keeps showing the previous run. Never opens a
  // dialog: tests and --screenshot call it without anyone to click "OK".
  bool openFile(const QString& path, QString* error = nullptr);
  // openFile, reporting a failure in a dialog: for the menu, drops and the command line.
  bool openFileInteractively(const QString& path);

  // The pages by name, in tab order: runs, table, compare, distributions, memory, quality,
  // sweeps, history, throughput, timeline, launcher.
  static QStringList pageNames();
  // Shows the named page; false for an unknown name.
  bool showPage(const QString& name);
  QWidget* page(const QString& name) const;

  RunStore* store() const { return store_; }
  QTabWidget* tabs() const { return tabs_; }
  CellTablePage* tablePage() const { return tablePage_; }
  ThroughputChartPage* chartPage() const { return chartPage_; }
  ComparePage* comparePage() const { return comparePage_; }

  // The current page's chart (PNG or SVG by suffix) or table (CSV); false with the reason.
  bool exportCurrent(const QString& path, QString* error);

 public Q_SLOTS:
  void showOpenDialog();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void buildMenus();
  void rememberRecent(const QString& path);
  void rebuildRecentMenu();
  void showRunSummary();
  void showExportDialog();
  void copyCurrent();

  RunStore* store_;
  CellTableModel* model_;
  QTabWidget* tabs_;
  CellTablePage* tablePage_;
  ThroughputChartPage* chartPage_;
  ComparePage* comparePage_;
  QLabel* summary_;
  QMenu* recentMenu_ = nullptr;
  QString lastDir_;  // where the next Open dialog starts
};

}  // namespace sb::gui
