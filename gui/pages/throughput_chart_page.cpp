#include "throughput_chart_page.hpp"

#include <algorithm>
#include <cstddef>

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include "stratbench/gui/cell_table_model.hpp"
#include "stratbench/gui/number_format.hpp"
#include "stratbench/gui/qt_text.hpp"

namespace sb::gui {
namespace {

// Past this many bars the value labels overlap and hide the bars they describe.
constexpr std::size_t kMaxLabelledBars = 24;
// A legend stays a row under the chart up to this many sets, each name up to this long.
constexpr std::size_t kMaxSetsInALegendRow = 6;
constexpr std::size_t kMaxLegendRowLabel = 24;

bool hasAbsentValue(const ThroughputChartData& data) {
  return std::any_of(data.sets.begin(), data.sets.end(), [](const BarSetData& set) {
    return std::any_of(set.values.begin(), set.values.end(), [](const auto& v) { return !v; });
  });
}

void clearChart(QChart* chart) {
  chart->removeAllSeries();
  for (QAbstractAxis* axis : chart->axes()) {
    chart->removeAxis(axis);
    delete axis;
  }
}

}  // namespace

ThroughputChartPage::ThroughputChartPage(const CellTableModel* model, QWidget* parent)
    : QWidget(parent), model_(model), groupBox_(new QComboBox(this)), chartView_(new QChartView(this)) {
  groupBox_->setObjectName(QStringLiteral("chartGroup"));
  groupBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  chartView_->setObjectName(QStringLiteral("throughputChart"));
  chartView_->setRenderHint(QPainter::Antialiasing);
  QChart* chart = chartView_->chart();
  // Animations would make screenshots depend on timing, and add nothing to a static result.
  chart->setAnimationOptions(QChart::NoAnimation);
  chart->legend()->setAlignment(Qt::AlignBottom);
  // A legend entry Qt had to shorten still names its set in full on hover.
  chart->legend()->setShowToolTips(true);

  auto* selector = new QHBoxLayout;
  auto* label = new QLabel(tr("&Throughput of"), this);
  label->setBuddy(groupBox_);
  selector->addWidget(label);
  selector->addWidget(groupBox_);
  selector->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(selector);
  layout->addWidget(chartView_, 1);

  connect(groupBox_, &QComboBox::currentIndexChanged, this, &ThroughputChartPage::showGroup);
  connect(model_, &QAbstractItemModel::modelReset, this, &ThroughputChartPage::rebuildGroups);
  rebuildGroups();
}

void ThroughputChartPage::selectGroup(const ChartGroup& group) {
  const auto it = std::find(groups_.begin(), groups_.end(), group);
  if (it != groups_.end()) groupBox_->setCurrentIndex(static_cast<int>(it - groups_.begin()));
}

ChartGroup ThroughputChartPage::currentGroup() const {
  const int index = groupBox_->currentIndex();
  return index < 0 ? ChartGroup{} : groups_[static_cast<std::size_t>(index)];
}

void ThroughputChartPage::rebuildGroups() {
  const QSignalBlocker blocker(groupBox_);  // one redraw at the end, not one per item
  groupBox_->clear();
  groups_ = chartGroups(model_->run());
  for (const ChartGroup& group : groups_) groupBox_->addItem(qstr(chartGroupLabel(group)));
  groupBox_->setCurrentIndex(groups_.empty() ? -1 : 0);
  showGroup(groupBox_->currentIndex());
}

void ThroughputChartPage::showGroup(int index) {
  QChart* chart = chartView_->chart();
  clearChart(chart);
  shown_ = {};
  if (index < 0) {
    // No groups means no cells: nothing opened yet, or a run whose matrix was empty.
    chart->setTitle(tr("No cells to chart. Open a results file: File \u2192 Open"));
    return;
  }
  const ChartGroup& group = groups_[static_cast<std::size_t>(index)];
  shown_ = throughputChart(model_->run(), group);
  const QString omitted = shown_.omittedCells == 0
                              ? QString()
                              : tr("<br><small>%1 not drawn: not ok, without throughput, or in another unit</small>")
                                    .arg(formatCount(static_cast<long long>(shown_.omittedCells), "cell", "cells"));
  if (shown_.empty()) {
    chart->setTitle(tr("<b>%1</b>: no throughput to show").arg(qstr(chartGroupLabel(group)).toHtmlEscaped()) + omitted);
    return;
  }
  chart->setTitle(tr("<b>%1</b> throughput (higher is better)").arg(qstr(chartGroupLabel(group)).toHtmlEscaped()) +
                  omitted);

  // Composed strategies ("simd+blocked+threads=2+pool+int8") differ at their ends, which a
  // row of legend entries cuts off: past a few sets or long names, the legend becomes a
  // column on the right, where each name has the width of the longest.
  std::size_t longestLabel = 0;
  for (const auto& data : shown_.sets) longestLabel = std::max(longestLabel, data.label.size());
  chart->legend()->setAlignment(shown_.sets.size() > kMaxSetsInALegendRow || longestLabel > kMaxLegendRowLabel
                                    ? Qt::AlignRight
                                    : Qt::AlignBottom);

  auto* series = new QBarSeries;
  std::size_t bars = 0;
  for (const BarSetData& data : shown_.sets) {
    auto* set = new QBarSet(richSafe(qstr(data.label)));
    // The default label colour is white, which vanishes above a bar on a light theme; the
    // title's colour is the theme's text colour on the chart's own background.
    set->setLabelColor(chart->titleBrush().color());
    // An absent value is an empty slot; a bar chart has no other way to leave a gap.
    for (const auto& value : data.values) set->append(value.value_or(0.0));
    series->append(set);
    bars += data.values.size();
  }
  // Labels would print an absent value as "0", which reads as measured.
  if (bars <= kMaxLabelledBars && !hasAbsentValue(shown_)) {
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    // Four significant digits, as the table prints them: "1275", not "1.27e+03".
    series->setLabelsPrecision(4);
  }
  series->setBarWidth(0.8);  // of a category's width: wide enough to compare, with a gap between
  chart->addSeries(series);

  auto* categories = new QBarCategoryAxis;
  for (const std::string& category : shown_.categories) categories->append(richSafe(qstr(category)));
  chart->addAxis(categories, Qt::AlignBottom);
  series->attachAxis(categories);

  auto* values = new QValueAxis;
  values->setTitleText(richSafe(qstr(shown_.unit)));
  values->setLabelFormat(QStringLiteral("%g"));
  chart->addAxis(values, Qt::AlignLeft);
  series->attachAxis(values);
  // Bars start at zero, or their lengths mislead; headroom above the tallest bar keeps its
  // label outside it, where every other label is.
  values->setRange(0, values->max() * 1.12);
  values->applyNiceNumbers();

  connect(series, &QBarSeries::hovered, this, [this, series](bool entered, int bar, QBarSet* set) {
    const auto s = static_cast<std::size_t>(series->barSets().indexOf(set));
    const auto c = static_cast<std::size_t>(bar);
    if (!entered || s >= shown_.sets.size() || c >= shown_.categories.size()) {
      QToolTip::hideText();
      return;
    }
    const auto& value = shown_.sets[s].values[c];
    QToolTip::showText(
        QCursor::pos(),
        plainToolTip(QStringLiteral("%1, %2: %3")
                         .arg(qstr(shown_.sets[s].label), qstr(shown_.categories[c]),
                              value ? formatMeasurement(*value) + u' ' + qstr(shown_.unit) : tr("not measured"))),
        chartView_);
  });
}

}  // namespace sb::gui
