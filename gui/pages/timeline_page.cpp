#include "timeline_page.hpp"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QSplitter>
#include <QThreadPool>
#include <QVBoxLayout>

#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/gui/run_store.hpp"
#include "stratbench/gui/timeline_data.hpp"
#include "stratbench/reports/trace_summary.hpp"
#include "timeline_view.hpp"

namespace sb::gui {

struct TimelinePage::Loaded {
  TimelineData timeline;
  sb::TraceSummary summary;
  QString error;
};

TimelinePage::TimelinePage(RunStore* store, QWidget* parent)
    : QWidget(parent),
      store_(store),
      cellBox_(new QComboBox(this)),
      status_(new QLabel(this)),
      view_(new TimelineView(this)),
      stats_(new QLabel(this)),
      pool_(new QThreadPool(this)) {
  pool_->setMaxThreadCount(1);
  cellBox_->setObjectName(QStringLiteral("tracedCell"));
  cellBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  cellBox_->setMinimumContentsLength(50);
  status_->setTextFormat(Qt::PlainText);
  status_->setObjectName(QStringLiteral("timelineStatus"));
  stats_->setTextFormat(Qt::PlainText);
  stats_->setObjectName(QStringLiteral("rangeStatistics"));
  stats_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  stats_->setText(
      tr("Click a range to see the statistics of its name over the whole trace.\n"
         "Wheel or W/S: zoom \u00b7 drag or A/D: pan \u00b7 Shift+wheel or \u2191/\u2193: tracks \u00b7 Home: all"));
  view_->setObjectName(QStringLiteral("timeline"));
  auto* label = new QLabel(tr("Traced &cell:"), this);
  label->setBuddy(cellBox_);
  auto* controls = new QHBoxLayout;
  controls->addWidget(label);
  controls->addWidget(cellBox_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(status_);
  layout->addWidget(view_, 1);
  layout->addWidget(stats_);

  connect(store_, &RunStore::currentChanged, this, &TimelinePage::rebuildCells);
  connect(store_, &RunStore::cellSelected, this, &TimelinePage::followSelection);
  connect(cellBox_, &QComboBox::currentIndexChanged, this, &TimelinePage::load);
  connect(view_, &TimelineView::rangeSelected, this,
          [this](std::uint32_t, const QString& name) { showStatistics(name); });
  rebuildCells();
}

TimelinePage::~TimelinePage() { pool_->waitForDone(); }

void TimelinePage::rebuildCells() {
  const QSignalBlocker block(cellBox_);
  cellBox_->clear();
  if (const sb::RunFile* run = store_->currentRun())
    for (const sb::Cell& c : run->cells)
      if (c.trace) cellBox_->addItem(QStringLiteral("%1 \u00b7 %2").arg(configLabel(c), qstr(c.strategy)), qstr(c.id));
  cellBox_->setCurrentIndex(cellBox_->count() > 0 ? 0 : -1);
  followSelection();
  load();
}

void TimelinePage::followSelection() {
  const int i = cellBox_->findData(store_->selectedCell());
  if (i >= 0) cellBox_->setCurrentIndex(i);
}

void TimelinePage::load() {
  const int generation = ++generation_;
  const sb::RunFile* run = store_->currentRun();
  const sb::Cell* cell = run ? store_->selectedCellIn(*run) : nullptr;
  const QString id = cellBox_->currentData().toString();
  if (!run || id.isEmpty()) {
    status_->setText(run ? tr("No cell of this run has a trace: run it with --trace.") : QString());
    view_->setTimeline({});
    return;
  }
  if (!cell || qstr(cell->id) != id)
    for (const sb::Cell& c : run->cells)
      if (qstr(c.id) == id) cell = &c;
  if (!cell || !cell->trace) return;
  // The trace path is relative to the results file.
  const QString path =
      QFileInfo(store_->at(store_->current()).path).absoluteDir().filePath(qstr(cell->trace.value_or(std::string())));
  busy_ = true;
  status_->setText(tr("Reading %1 \u2026").arg(QDir::toNativeSeparators(path)));
  const QPointer<TimelinePage> self(this);
  pool_->start([self, path, generation] {
    auto loaded = std::make_shared<Loaded>();
    try {
      const sb::TraceData trace = sb::read_trace_file(QFile::encodeName(path).toStdString());
      loaded->summary = sb::summarize_trace(trace);
      loaded->timeline = buildTimeline(trace);
    } catch (const std::exception& e) {
      loaded->error = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        qApp,
        [self, loaded, generation] {
          if (!self || generation != self->generation_) return;
          self->busy_ = false;
          self->loaded_ = loaded;
          if (!loaded->error.isEmpty()) {
            self->status_->setText(loaded->error);
            self->view_->setTimeline({});
          } else {
            self->status_->setText(
                tr("%1: %2 ranges on %3 tracks, %4")
                    .arg(QFileInfo(loaded->timeline.where).fileName())
                    .arg(loaded->timeline.rangeCount)
                    .arg(loaded->timeline.tracks.size())
                    .arg(formatNs(static_cast<double>(loaded->timeline.last - loaded->timeline.first))));
            self->view_->setTimeline(loaded->timeline);
          }
          Q_EMIT self->loaded();
        },
        Qt::QueuedConnection);
  });
}

void TimelinePage::showStatistics(const QString& name) {
  if (!loaded_) return;
  const std::string key = name.toStdString();
  for (const sb::TraceRow& r : loaded_->summary.rows) {
    if (r.name != key) continue;
    stats_->setText(tr("%1 (%2): %3 ranges, total %4 (%5% of the pass), self %6\n"
                       "mean %7, p50 %8, p99 %9, min %10, max %11, per iteration %12")
                        .arg(name, qstr(r.category))
                        .arg(r.count)
                        .arg(formatNs(static_cast<double>(r.total_ns)))
                        .arg(r.share * 100, 0, 'f', 1)
                        .arg(formatNs(static_cast<double>(r.self_ns)), formatNs(r.mean_ns), formatNs(r.p50_ns),
                             formatNs(r.p99_ns), formatNs(static_cast<double>(r.min_ns)),
                             formatNs(static_cast<double>(r.max_ns)), formatNs(r.per_iteration_ns)));
    return;
  }
  stats_->setText(tr("%1: not in the trace's summary").arg(name));
}

}  // namespace sb::gui
