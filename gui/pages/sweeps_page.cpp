#include "sweeps_page.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "plot_view.hpp"
#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/qt_text.hpp"
#include "stratbench/gui/run_store.hpp"

namespace sb::gui {
namespace {

// The metrics a sweep is read by.
constexpr const char* kSweepMetrics[] = {"throughput.value", "latency_ms.p50", "latency_ms.p99", "latency_ms.cv",
                                         "memory.peak_rss_bytes"};

QLabel* buddyLabel(const QString& text, QWidget* buddy, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setBuddy(buddy);
  return label;
}

}  // namespace

SweepsPage::SweepsPage(RunStore* store, QWidget* parent)
    : QWidget(parent),
      store_(store),
      workloadBox_(new QComboBox(this)),
      paramBox_(new QComboBox(this)),
      metricBox_(new QComboBox(this)),
      logX_(new QCheckBox(tr("Log &x"), this)),
      logY_(new QCheckBox(tr("Log &y"), this)),
      view_(new PlotView(this)) {
  workloadBox_->setObjectName(QStringLiteral("workload"));
  paramBox_->setObjectName(QStringLiteral("param"));
  metricBox_->setObjectName(QStringLiteral("metric"));
  view_->setObjectName(QStringLiteral("plot0"));
  for (const char* path : kSweepMetrics)
    metricBox_->addItem(qstr(sb::metric_field(path).title), QString::fromLatin1(path));
  auto* controls = new QHBoxLayout;
  controls->addWidget(buddyLabel(tr("&Workload:"), workloadBox_, this));
  controls->addWidget(workloadBox_);
  controls->addWidget(buddyLabel(tr("&Parameter:"), paramBox_, this));
  controls->addWidget(paramBox_);
  controls->addWidget(buddyLabel(tr("&Metric:"), metricBox_, this));
  controls->addWidget(metricBox_);
  controls->addWidget(logX_);
  controls->addWidget(logY_);
  controls->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(view_, 1);

  connect(store_, &RunStore::currentChanged, this, &SweepsPage::rebuildWorkloads);
  connect(workloadBox_, &QComboBox::currentIndexChanged, this, &SweepsPage::rebuildParams);
  connect(paramBox_, &QComboBox::currentIndexChanged, this, &SweepsPage::show);
  connect(metricBox_, &QComboBox::currentIndexChanged, this, &SweepsPage::show);
  connect(logX_, &QCheckBox::toggled, this, [this](bool on) {
    userLogX_ = on;
    show();
  });
  connect(logY_, &QCheckBox::toggled, this, [this](bool on) {
    userLogY_ = on;
    show();
  });
  rebuildWorkloads();
}

void SweepsPage::rebuildWorkloads() {
  const QString was = workloadBox_->currentText();
  QStringList names;
  if (const sb::RunFile* run = store_->currentRun()) {
    std::unordered_set<std::string> seen;
    for (const sb::Cell& c : run->cells)
      if (seen.insert(c.workload).second) names << qstr(c.workload);
  }
  {
    const QSignalBlocker block(workloadBox_);
    workloadBox_->clear();
    workloadBox_->addItems(names);
    // The first workload that has a sweep, unless the user had chosen one.
    int pick = static_cast<int>(names.indexOf(was));
    if (pick < 0 && store_->currentRun())
      for (int i = 0; i < names.size() && pick < 0; ++i)
        if (!sweepParams(*store_->currentRun(), names[i].toStdString()).empty()) pick = i;
    workloadBox_->setCurrentIndex(names.isEmpty() ? -1 : std::max(pick, 0));
  }
  rebuildParams();
}

void SweepsPage::rebuildParams() {
  userLogX_.reset();
  userLogY_.reset();
  const QString was = paramBox_->currentText();
  QStringList names;
  if (const sb::RunFile* run = store_->currentRun(); run && workloadBox_->currentIndex() >= 0)
    for (const std::string& p : sweepParams(*run, workloadBox_->currentText().toStdString())) names << qstr(p);
  {
    const QSignalBlocker block(paramBox_);
    paramBox_->clear();
    paramBox_->addItems(names);
    paramBox_->setCurrentIndex(names.isEmpty() ? -1 : std::max(0, static_cast<int>(names.indexOf(was))));
  }
  show();
}

void SweepsPage::show() {
  const sb::RunFile* run = store_->currentRun();
  Plot plot;
  if (!run) {
    plot.emptyText = tr("Open a results file to see its sweeps.");
  } else if (paramBox_->currentIndex() < 0) {
    plot.emptyText =
        tr("%1 has no numeric parameter with more than one value in this run.").arg(workloadBox_->currentText());
  } else {
    const sb::MetricField& metric = sb::metric_field(metricBox_->currentData().toString().toStdString());
    plot = sweepPlot(*run, workloadBox_->currentText().toStdString(), paramBox_->currentText().toStdString(), metric);
    // The user's choice of scale, once made, wins over the fitted one where the values allow it.
    auto force = [](PlotAxis& axis, std::optional<bool> log, bool x, const Plot& pl, bool fromZero) {
      if (!log || *log == axis.log) return;
      std::vector<double> v;
      for (const PlotSeries& s : pl.series)
        for (const QPointF& p : s.points) v.push_back(x ? p.x() : p.y());
      if (*log && std::any_of(v.begin(), v.end(), [](double d) { return d <= 0; })) return;
      fitAxis(axis, v, fromZero, false);
      if (*log) {
        axis.log = true;
        axis.lo = *std::min_element(v.begin(), v.end()) / 1.1;
        axis.hi = *std::max_element(v.begin(), v.end()) * 1.1;
      }
    };
    if (!plot.empty()) {
      force(plot.x, userLogX_, true, plot, false);
      force(plot.y, userLogY_, false, plot, metric.better == sb::Better::higher);
    }
    const QSignalBlocker bx(logX_), by(logY_);
    logX_->setChecked(plot.x.log);
    logY_->setChecked(plot.y.log);
  }
  view_->setPlot(std::move(plot));
}

}  // namespace sb::gui
