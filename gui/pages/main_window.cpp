#include "main_window.hpp"

#include <algorithm>
#include <utility>

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>

#include "cell_table_page.hpp"
#include "stratbench/gui/cell_table_model.hpp"
#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/gui/run_loader.hpp"
#include "throughput_chart_page.hpp"

namespace sb::gui {
namespace {

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

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      model_(new CellTableModel(this)),
      tablePage_(new CellTablePage(model_, this)),
      chartPage_(new ThroughputChartPage(model_, this)),
      summary_(new QLabel(this)),
      lastDir_(QDir::currentPath()) {
  setWindowTitle(QStringLiteral("stratbench-gui"));

  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open\u2026"), this, &MainWindow::showOpenDialog);
  open->setShortcut(QKeySequence::Open);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(tablePage_);
  splitter->addWidget(chartPage_);
  // The chart needs height to compare bars; the table scrolls. Sizes act as weights here:
  // the splitter has no size of its own yet.
  splitter->setSizes({2, 3});
  splitter->setChildrenCollapsible(false);
  setCentralWidget(splitter);

  summary_->setObjectName(QStringLiteral("runSummary"));
  statusBar()->addWidget(summary_, 1);

  connect(tablePage_, &CellTablePage::cellSelected, this,
          [this](const sb::Cell& cell) { chartPage_->selectGroup(chartGroupOf(cell)); });

  resize(1200, 860);
}

bool MainWindow::openFile(const QString& path, QString* error) {
  RunLoadResult loaded = loadRunFile(path);
  if (!loaded.ok()) {
    if (error) *error = loaded.error;
    return false;
  }
  model_->setRun(std::move(*loaded.run));
  lastDir_ = QFileInfo(path).absolutePath();
  setWindowTitle(QStringLiteral("%1 \u2014 stratbench-gui").arg(QFileInfo(path).fileName()));
  showRunSummary(path);
  return true;
}

bool MainWindow::openFileInteractively(const QString& path) {
  QString error;
  if (openFile(path, &error)) return true;
  QMessageBox::critical(this, tr("Cannot open %1").arg(QFileInfo(path).fileName()),
                        tr("stratbench-gui cannot open %1:\n\n%2").arg(path, error));
  return false;
}

void MainWindow::showOpenDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open results file"), lastDir_,
                                                    tr("stratbench results (*.json);;All files (*)"));
  if (!path.isEmpty()) openFileInteractively(path);
}

void MainWindow::showRunSummary(const QString& path) {
  const sb::RunFile& run = model_->run();
  const sb::HostInfo& host = run.run.host;
  QString commit =
      run.run.git.commit.empty() ? tr("unknown commit") : tr("commit %1").arg(qstr(run.run.git.commit).left(10));
  if (run.run.git.dirty) commit += tr(" (dirty)");
  summary_->setText(QStringLiteral("%1, %2 \u00b7 %3 \u00b7 %4")
                        .arg(qstr(host.cpu), formatCount(host.cores, "core", "cores"), commit, cellCounts(run)));
  // The full provenance, for the reader who needs to reproduce the run.
  summary_->setToolTip(tr("%1\nrun %2, %3 to %4\n%5\n%6 %7, %8 build")
                           .arg(QDir::toNativeSeparators(path), qstr(run.run.id), qstr(run.run.started),
                                qstr(run.run.finished), qstr(run.run.command), qstr(host.os), qstr(host.compiler),
                                qstr(host.build_type)));
}

}  // namespace sb::gui
