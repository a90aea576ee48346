#include "launcher_page.hpp"

#include <csignal>

#include <QCheckBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {
namespace {

QListWidget* checkList(QWidget* parent) {
  auto* l = new QListWidget(parent);
  l->setSelectionMode(QAbstractItemView::NoSelection);
  return l;
}

QStringList checked(const QListWidget* l) {
  QStringList out;
  for (int i = 0; i < l->count(); ++i)
    if (l->item(i)->checkState() == Qt::Checked) out << l->item(i)->text();
  return out;
}

}  // namespace

LauncherPage::LauncherPage(std::function<bool(const QString&)> open, QWidget* parent)
    : QWidget(parent),
      open_(std::move(open)),
      workloads_(checkList(this)),
      strategies_(checkList(this)),
      extraStrategies_(new QLineEdit(this)),
      params_(new QTableWidget(0, 3, this)),
      output_(new QLineEdit(QDir::current().filePath(QStringLiteral("results/gui-run.json")), this)),
      budget_(new QDoubleSpinBox(this)),
      trace_(new QCheckBox(tr("&Trace each cell (--trace)"), this)),
      run_(new QPushButton(tr("&Run"), this)),
      cancel_(new QPushButton(tr("&Cancel"), this)),
      follow_(new QPushButton(tr("&Follow live"), this)),
      progress_(new QProgressBar(this)),
      status_(new QLabel(this)),
      log_(new QPlainTextEdit(this)) {
  workloads_->setObjectName(QStringLiteral("launchWorkloads"));
  strategies_->setObjectName(QStringLiteral("launchStrategies"));
  extraStrategies_->setPlaceholderText(tr("more strategies, comma-separated: blocked+simd+threads=2, int8+fused"));
  params_->setHorizontalHeaderLabels({tr("Workload"), tr("Parameter"), tr("Values (a,b or lo-hi*2 or lo-hi+step)")});
  params_->horizontalHeader()->setStretchLastSection(true);
  params_->verticalHeader()->hide();
  budget_->setRange(0, 3600);
  budget_->setSuffix(tr(" s per cell (0: default)"));
  status_->setTextFormat(Qt::PlainText);
  status_->setObjectName(QStringLiteral("launchStatus"));
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(2000);
  cancel_->setEnabled(false);
  follow_->setEnabled(false);
  follow_->setToolTip(tr("Open the run's log on the other pages; they follow it as cells finish"));
  cancel_->setToolTip(tr("First: stop after the current cell (as Ctrl-C). Again: stop now."));

  auto* lists = new QHBoxLayout;
  auto* wl = new QVBoxLayout;
  wl->addWidget(new QLabel(tr("Workloads"), this));
  wl->addWidget(workloads_);
  auto* sl = new QVBoxLayout;
  sl->addWidget(new QLabel(tr("Strategies"), this));
  sl->addWidget(strategies_);
  sl->addWidget(extraStrategies_);
  lists->addLayout(wl, 1);
  lists->addLayout(sl, 1);
  lists->addWidget(params_, 2);
  auto* form = new QFormLayout;
  form->addRow(tr("Results &file:"), output_);
  form->addRow(tr("&Budget:"), budget_);
  form->addRow(QString(), trace_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(cancel_);
  buttons->addWidget(follow_);
  buttons->addWidget(progress_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(lists, 2);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(status_);
  layout->addWidget(log_, 1);

  connect(workloads_, &QListWidget::itemChanged, this, &LauncherPage::rebuildParams);
  connect(run_, &QPushButton::clicked, this, &LauncherPage::start);
  connect(cancel_, &QPushButton::clicked, this, &LauncherPage::cancel);
  connect(follow_, &QPushButton::clicked, this, [this] {
    if (open_ && QFileInfo(logPath_).size() > 0) open_(logPath_);
  });
  poll_.setInterval(300);
  connect(&poll_, &QTimer::timeout, this, &LauncherPage::poll);
  process_.setProcessChannelMode(QProcess::MergedChannels);
  connect(&process_, &QProcess::readyRead, this,
          [this] { log_->appendPlainText(QString::fromUtf8(process_.readAll()).trimmed()); });
  connect(&process_, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
    poll_.stop();
    poll();
    run_->setEnabled(true);
    cancel_->setEnabled(false);
    follow_->setEnabled(false);
    const QString results = output_->text();
    status_->setText(
        tr("stratbench run exited with %1%2").arg(code).arg(interrupts_ > 0 ? tr(" (cancelled)") : QString()));
    // Exit 0 (all ok) and 1 (some cells failed) both leave a results file worth opening.
    if ((code == 0 || code == 1) && QFileInfo::exists(results) && open_) open_(results);
    Q_EMIT finished(code);
  });
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError) {
    if (process_.state() == QProcess::NotRunning) {
      status_->setText(tr("cannot start %1: %2").arg(process_.program(), process_.errorString()));
      run_->setEnabled(true);
      cancel_->setEnabled(false);
    }
  });
}

void LauncherPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  // The catalog comes from the child binary: asked for when the page is first shown, not at
  // every start of the program.
  if (catalog_.workloads.empty()) loadCatalog();
}

LauncherPage::~LauncherPage() {
  if (process_.state() != QProcess::NotRunning) {
    process_.kill();
    process_.waitForFinished(3000);
  }
}

QString LauncherPage::stratbenchBinary() {
  const QString env = qEnvironmentVariable("STRATBENCH_BIN");
  return env.isEmpty() ? QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("stratbench")) : env;
}

bool LauncherPage::loadCatalog() {
  QProcess list;
  list.start(stratbenchBinary(), {QStringLiteral("list"), QStringLiteral("--json")});
  QString error;
  if (!list.waitForFinished(15000) || list.exitCode() != 0) {
    status_->setText(tr("cannot list workloads with %1: %2").arg(stratbenchBinary(), list.errorString()));
    run_->setEnabled(false);
    return false;
  }
  if (!parseCatalog(list.readAllStandardOutput(), &catalog_, &error)) {
    status_->setText(tr("%1 list --json: %2").arg(stratbenchBinary(), error));
    run_->setEnabled(false);
    return false;
  }
  const QSignalBlocker block(workloads_);
  workloads_->clear();
  for (const CatalogWorkload& w : catalog_.workloads) {
    auto* item = new QListWidgetItem(w.name, workloads_);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
    item->setToolTip(plainToolTip(w.description));
  }
  strategies_->clear();
  for (int i = 0; i < catalog_.presets.size(); ++i) {
    auto* item = new QListWidgetItem(catalog_.presets[i], strategies_);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
    item->setToolTip(plainToolTip(catalog_.presetHelp[i]));
  }
  rebuildParams();
  return true;
}

void LauncherPage::rebuildParams() {
  params_->setRowCount(0);
  const QStringList chosen = checked(workloads_);
  for (const CatalogWorkload& w : catalog_.workloads) {
    if (!chosen.contains(w.name)) continue;
    for (const CatalogParam& p : w.params) {
      const int row = params_->rowCount();
      params_->insertRow(row);
      auto* wi = new QTableWidgetItem(w.name);
      auto* pi = new QTableWidgetItem(p.name);
      for (auto* i : {wi, pi}) i->setFlags(Qt::ItemIsEnabled);
      pi->setToolTip(
          plainToolTip(p.help + (p.kind == QStringLiteral("integer") ? QStringLiteral(" (%1..%2)").arg(p.min).arg(p.max)
                                 : p.choices.isEmpty()               ? QString()
                                                       : QStringLiteral(" (%1)").arg(p.choices.join(u'|')))));
      params_->setItem(row, 0, wi);
      params_->setItem(row, 1, pi);
      params_->setItem(row, 2, new QTableWidgetItem(p.defaultValue));
    }
  }
  params_->resizeColumnsToContents();
}

LaunchSpec LauncherPage::spec() const {
  LaunchSpec s;
  s.workloads = checked(workloads_);
  s.strategies = checked(strategies_);
  for (const QString& extra : extraStrategies_->text().split(u',', Qt::SkipEmptyParts)) s.strategies << extra.trimmed();
  // A parameter shared by several chosen workloads is given once (the first row's values).
  QStringList seen;
  for (int r = 0; r < params_->rowCount(); ++r) {
    const QString name = params_->item(r, 1)->text();
    if (seen.contains(name)) continue;
    seen << name;
    s.params.emplace_back(name, params_->item(r, 2)->text());
  }
  s.output = output_->text();
  s.budget = budget_->value();
  s.trace = trace_->isChecked();
  return s;
}

void LauncherPage::start() {
  if (running()) return;
  const LaunchSpec s = spec();
  if (s.workloads.isEmpty()) {
    status_->setText(tr("Choose at least one workload."));
    return;
  }
  QStringList args = runArguments(s);
  // The matrix's size first, from the same binary (and its validation: a bad value is
  // reported here, before anything runs).
  QProcess dry;
  dry.setProcessChannelMode(QProcess::MergedChannels);
  dry.start(stratbenchBinary(), args + QStringList{QStringLiteral("--dry-run")});
  dry.waitForFinished(30000);
  const QString dryOut = QString::fromUtf8(dry.readAll());
  if (dry.exitCode() != 0) {
    status_->setText(dryOut.trimmed().split(u'\n').last());
    log_->appendPlainText(dryOut);
    return;
  }
  total_ = dryRunCellCount(dryOut);
  interrupts_ = 0;
  QDir().mkpath(QFileInfo(s.output).absolutePath());
  logPath_ =
      QFileInfo(s.output).absoluteDir().filePath(QFileInfo(s.output).completeBaseName() + QStringLiteral(".jsonl"));
  QFile::remove(logPath_);  // a fresh run, not a resume of an old log
  progress_->setRange(0, std::max(total_, 1));
  progress_->setValue(0);
  log_->appendPlainText(QStringLiteral("$ stratbench ") + args.join(u' '));
  process_.start(stratbenchBinary(), args);
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  follow_->setEnabled(true);
  status_->setText(tr("running %1 cells \u2026").arg(total_));
  poll_.start();
}

void LauncherPage::cancel() {
  if (!running()) return;
  ++interrupts_;
  ::kill(static_cast<pid_t>(process_.processId()), SIGINT);
  status_->setText(interrupts_ == 1 ? tr("stopping after the current cell (Cancel again to stop now) \u2026")
                                    : tr("stopping now \u2026"));
}

void LauncherPage::poll() {
  const RunProgress p = readRunProgress(logPath_);
  progress_->setValue(std::min(p.done, progress_->maximum()));
  if (running() && interrupts_ == 0)
    status_->setText(tr("%1 of %2 cells: %3 ok, %4 not ok; last: %5")
                         .arg(p.done)
                         .arg(total_)
                         .arg(p.ok)
                         .arg(p.failed)
                         .arg(p.lastCell));
}

}  // namespace sb::gui
