#include "main_window.hpp"

#include <algorithm>
#include <utility>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>

#include "cell_table_page.hpp"
#include "compare_page.hpp"
#include "config_plot_page.hpp"
#include "history_page.hpp"
#include "launcher_page.hpp"
#include "plot_pages.hpp"
#include "plot_view.hpp"
#include "runs_page.hpp"
#include "stratbench/gui/cell_table_model.hpp"
#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/plot_painter.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/gui/run_store.hpp"
#include "stratbench/gui/table_export.hpp"
#include "sweeps_page.hpp"
#include "throughput_chart_page.hpp"
#include "timeline_page.hpp"

namespace sb::gui {
namespace {

constexpr int kMaxRecent = 10;

QString cellCounts(const sb::RunFile& run) {
  QStringList parts;
  for (auto status : {sb::CellStatus::ok, sb::CellStatus::failed, sb::CellStatus::skipped, sb::CellStatus::timeout}) {
    const auto n = std::count_if(run.cells.begin(), run.cells.end(),
                                 [status](const sb::Cell& cell) { return cell.status == status; });
    if (n > 0) parts << QStringLiteral("%1 %2").arg(n).arg(QLatin1String(sb::to_string(status)));
  }
  return formatCount(static_cast<long long>(run.cells.size()), "cell", "cells") +
         (parts.isEmpty() ? QString() : QStringLiteral(": ") + parts.join(QStringLiteral(", ")));
}

void showPlainError(QWidget* parent, const QString& title, const QString& text) {
  // A message box guesses rich text too; a path or a field may hold markup.
  QMessageBox box(QMessageBox::Critical, title, text, QMessageBox::Ok, parent);
  box.setTextFormat(Qt::PlainText);
  box.exec();
}

// The view an export or a copy takes on a page: its focused chart or table, else its first.
template <class T>
T* viewOn(QWidget* page) {
  if (!page) return nullptr;
  if (auto* focused = qobject_cast<T*>(QApplication::focusWidget()); focused && page->isAncestorOf(focused))
    return focused;
  const auto all = page->findChildren<T*>();
  return all.isEmpty() ? nullptr : all.front();
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      store_(new RunStore(this)),
      model_(new CellTableModel(this)),
      tabs_(new QTabWidget(this)),
      tablePage_(new CellTablePage(model_, this)),
      chartPage_(new ThroughputChartPage(model_, this)),
      comparePage_(new ComparePage(store_, this)),
      summary_(new QLabel(this)),
      lastDir_(QDir::currentPath()) {
  setWindowTitle(QStringLiteral("stratbench-gui"));
  setAcceptDrops(true);

  auto* runs = new RunsPage(store_, this);
  connect(runs, &RunsPage::openRequested, this, &MainWindow::showOpenDialog);
  const std::pair<QWidget*, QString> pages[] = {
      {runs, tr("&Runs")},
      {tablePage_, tr("&Table")},
      {comparePage_, tr("&Compare")},
      {makeDistributionsPage(store_, this), tr("&Distributions")},
      {makeMemoryPage(store_, this), tr("&Memory")},
      {makeQualityPage(store_, this), tr("Speed/&quality")},
      {new SweepsPage(store_, this), tr("S&weeps")},
      {new HistoryPage(store_, this), tr("Histor&y")},
      {chartPage_, tr("T&hroughput")},
      {new TimelinePage(store_, this), tr("Time&line")},
      {new LauncherPage([this](const QString& path) { return openFileInteractively(path); }, this), tr("La&uncher")},
  };
  const QStringList names = pageNames();
  for (std::size_t i = 0; i < std::size(pages); ++i) {
    pages[i].first->setObjectName(names[static_cast<int>(i)]);
    tabs_->addTab(pages[i].first, pages[i].second);
  }
  tabs_->setDocumentMode(true);
  tabs_->setCurrentWidget(tablePage_);  // what a user opening a file wants first
  setCentralWidget(tabs_);
  buildMenus();

  summary_->setObjectName(QStringLiteral("runSummary"));
  summary_->setTextFormat(Qt::PlainText);
  statusBar()->addWidget(summary_, 1);

  connect(store_, &RunStore::currentChanged, this, [this] {
    const int i = store_->current();
    model_->setRun(i >= 0 ? store_->at(i).run : nullptr);
    setWindowTitle(i >= 0 ? QStringLiteral("%1 \u2014 stratbench-gui").arg(QFileInfo(store_->at(i).path).fileName())
                          : QStringLiteral("stratbench-gui"));
    showRunSummary();
  });
  connect(store_, &RunStore::reloadFailed, this, [this](const QString& path, const QString& error) {
    statusBar()->showMessage(tr("%1 changed but cannot be read again: %2").arg(QFileInfo(path).fileName(), error),
                             10000);
  });
  connect(tablePage_, &CellTablePage::cellSelected, this, [this](const sb::Cell& cell) {
    chartPage_->selectGroup(chartGroupOf(cell));
    store_->selectCell(qstr(cell.id));
  });
  // Enter or a double click on a traced cell opens its trace.
  connect(tablePage_->view(), &QTableView::activated, this, [this] {
    const sb::RunFile* run = store_->currentRun();
    const sb::Cell* cell = run ? store_->selectedCellIn(*run) : nullptr;
    if (cell && cell->trace) showPage(QStringLiteral("timeline"));
  });
  resize(1200, 860);
}

QStringList MainWindow::pageNames() {
  return {QStringLiteral("runs"),          QStringLiteral("table"),   QStringLiteral("compare"),
          QStringLiteral("distributions"), QStringLiteral("memory"),  QStringLiteral("quality"),
          QStringLiteral("sweeps"),        QStringLiteral("history"), QStringLiteral("throughput"),
          QStringLiteral("timeline"),      QStringLiteral("launcher")};
}

QWidget* MainWindow::page(const QString& name) const {
  for (int i = 0; i < tabs_->count(); ++i)
    if (tabs_->widget(i)->objectName() == name) return tabs_->widget(i);
  return nullptr;
}

bool MainWindow::showPage(const QString& name) {
  QWidget* p = page(name);
  if (p) tabs_->setCurrentWidget(p);
  return p != nullptr;
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open\u2026"), QKeySequence::Open, this, &MainWindow::showOpenDialog);
  recentMenu_ = file->addMenu(tr("Open &recent"));
  rebuildRecentMenu();
  file->addAction(tr("Re&load"), QKeySequence::Refresh, this, [this] {
    QString error;
    if (store_->current() >= 0 && !store_->reload(store_->current(), &error))
      showPlainError(this, tr("Cannot reload"), error);
  });
  file->addAction(tr("&Close run"), QKeySequence::Close, this, [this] { store_->close(store_->current()); });
  file->addSeparator();
  file->addAction(tr("&Export view\u2026"), QKeySequence(tr("Ctrl+E")), this, &MainWindow::showExportDialog);
  file->addAction(tr("Cop&y view"), QKeySequence(tr("Ctrl+Shift+C")), this, &MainWindow::copyCurrent);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (int i = 0; i < tabs_->count(); ++i) {
    QAction* a = view->addAction(tabs_->tabText(i).remove(u'&'), this, [this, i] { tabs_->setCurrentIndex(i); });
    if (i < 9) a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));  // Ctrl+1..9
  }
  view->addSeparator();
  view->addAction(tr("&Find in table"), QKeySequence::Find, this, [this] {
    showPage(QStringLiteral("table"));
    tablePage_->filter()->setFocus();
    tablePage_->filter()->selectAll();
  });
}

bool MainWindow::openFile(const QString& path, QString* error) {
  if (!store_->open(path, error)) return false;
  lastDir_ = QFileInfo(path).absolutePath();
  rememberRecent(QFileInfo(path).absoluteFilePath());
  return true;
}

bool MainWindow::openFileInteractively(const QString& path) {
  QString error;
  if (openFile(path, &error)) return true;
  showPlainError(this, tr("Cannot open %1").arg(QFileInfo(path).fileName()),
                 tr("stratbench-gui cannot open %1:\n\n%2").arg(path, error));
  return false;
}

void MainWindow::showOpenDialog() {
  const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Open results files"), lastDir_,
                                                          tr("stratbench results (*.json);;All files (*)"));
  for (const QString& path : paths) openFileInteractively(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) openFileInteractively(url.toLocalFile());
  event->acceptProposedAction();
}

void MainWindow::rememberRecent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue(QStringLiteral("recentFiles"), recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = QSettings().value(QStringLiteral("recentFiles")).toStringList();
  for (const QString& path : recent) {
    // Names with '&' would become mnemonics: doubled, they show as written.
    QString shown = QDir::toNativeSeparators(path);
    recentMenu_->addAction(shown.replace(u'&', QStringLiteral("&&")), this,
                           [this, path] { openFileInteractively(path); });
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

bool MainWindow::exportCurrent(const QString& path, QString* error) {
  QWidget* current = tabs_->currentWidget();
  if (auto* plot = viewOn<PlotView>(current)) return plot->save(path, error);
  if (auto* table = viewOn<QTableView>(current)) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
      if (error) *error = path + QStringLiteral(": ") + file.errorString();
      return false;
    }
    file.write(modelToCsv(*table->model()).toUtf8());
    return true;
  }
  if (current == chartPage_) {
    const bool ok = chartPage_->grab().save(path);
    if (!ok && error) *error = path + tr(": cannot write the picture");
    return ok;
  }
  if (error) *error = tr("this page has nothing to export");
  return false;
}

void MainWindow::showExportDialog() {
  const bool table = viewOn<PlotView>(tabs_->currentWidget()) == nullptr && viewOn<QTableView>(tabs_->currentWidget());
  const QString filter = table ? tr("CSV (*.csv)") : tr("PNG image (*.png);;SVG drawing (*.svg)");
  const QString path = QFileDialog::getSaveFileName(this, tr("Export"), lastDir_, filter);
  QString error;
  if (!path.isEmpty() && !exportCurrent(path, &error)) showPlainError(this, tr("Cannot export"), error);
}

void MainWindow::copyCurrent() {
  QWidget* current = tabs_->currentWidget();
  if (auto* plot = viewOn<PlotView>(current))
    QApplication::clipboard()->setPixmap(plot->grab());
  else if (auto* table = viewOn<QTableView>(current))
    QApplication::clipboard()->setText(modelToCsv(*table->model()));
  else if (current)
    QApplication::clipboard()->setPixmap(current->grab());
}

void MainWindow::showRunSummary() {
  const sb::RunFile* run = store_->currentRun();
  if (!run) {
    summary_->clear();
    summary_->setToolTip({});
    return;
  }
  const sb::HostInfo& host = run->run.host;
  QString commit =
      run->run.git.commit.empty() ? tr("unknown commit") : tr("commit %1").arg(qstr(run->run.git.commit).left(10));
  if (run->run.git.dirty) commit += tr(" (dirty)");
  QString runs = store_->count() > 1 ? tr(" \u00b7 %1 runs open").arg(store_->count()) : QString();
  summary_->setText(QStringLiteral("%1, %2 \u00b7 %3 \u00b7 %4%5")
                        .arg(qstr(host.cpu), formatCount(host.cores, "core", "cores"), commit, cellCounts(*run), runs));
  // The full provenance, for the reader who needs to reproduce the run.
  summary_->setToolTip(
      plainToolTip(tr("%1\nrun %2, %3 to %4\n%5\n%6 %7, %8 build")
                       .arg(QDir::toNativeSeparators(store_->at(store_->current()).path), qstr(run->run.id),
                            qstr(run->run.started), qstr(run->run.finished), qstr(run->run.command), qstr(host.os),
                            qstr(host.compiler), qstr(host.build_type))));
}

}  // namespace sb::gui
