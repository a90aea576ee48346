#include "config_plot_page.hpp"

#include <unordered_map>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include "plot_view.hpp"
#include "stratbench/gui/plots.hpp"
#include "stratbench/gui/run_store.hpp"

namespace sb::gui {

ConfigPlotPage::ConfigPlotPage(RunStore* store, int views, Build build, Options options, Prefer prefer, QWidget* parent)
    : QWidget(parent),
      store_(store),
      build_(std::move(build)),
      options_(std::move(options)),
      prefer_(std::move(prefer)),
      configBox_(new QComboBox(this)),
      optionBox_(new QComboBox(this)),
      optionLabel_(new QLabel(tr("&Metric:"), this)) {
  configBox_->setObjectName(QStringLiteral("config"));
  optionBox_->setObjectName(QStringLiteral("option"));
  // Long configurations (an LLM cell's params) are elided in the box, whole in the list.
  configBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  configBox_->setMinimumContentsLength(40);
  auto* configLabel = new QLabel(tr("&Configuration:"), this);
  configLabel->setBuddy(configBox_);
  optionLabel_->setBuddy(optionBox_);
  auto* controls = new QHBoxLayout;
  controls->addWidget(configLabel);
  controls->addWidget(configBox_, 1);
  controls->addWidget(optionLabel_);
  controls->addWidget(optionBox_);
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  for (int i = 0; i < views; ++i) {
    auto* view = new PlotView(splitter);
    view->setObjectName(QStringLiteral("plot%1").arg(i));
    splitter->addWidget(view);
    views_.push_back(view);
  }
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addWidget(splitter, 1);

  connect(store_, &RunStore::currentChanged, this, &ConfigPlotPage::rebuildConfigs);
  connect(store_, &RunStore::cellSelected, this, &ConfigPlotPage::followSelection);
  connect(configBox_, &QComboBox::currentIndexChanged, this, [this] {
    // A new configuration may offer other options: keep the chosen name when it still exists.
    const QString chosen = optionBox_->currentText();
    const int i = configBox_->currentIndex();
    const Cells cells =
        i >= 0 && static_cast<std::size_t>(i) < groups_.size() ? groups_[static_cast<std::size_t>(i)] : Cells{};
    const QStringList names = options_ ? options_(cells) : QStringList{};
    {
      const QSignalBlocker block(optionBox_);
      optionBox_->clear();
      optionBox_->addItems(names);
      optionBox_->setCurrentIndex(std::max(0, static_cast<int>(names.indexOf(chosen))));
    }
    optionBox_->setVisible(!names.isEmpty());
    optionLabel_->setVisible(!names.isEmpty());
    showConfig();
  });
  connect(optionBox_, &QComboBox::currentIndexChanged, this, &ConfigPlotPage::showConfig);
  optionBox_->setVisible(false);
  optionLabel_->setVisible(false);
  rebuildConfigs();
}

void ConfigPlotPage::rebuildConfigs() {
  shownRun_ = store_->currentRun();
  groups_.clear();
  QStringList names;
  if (shownRun_) {
    // One pass with a hash map: a 50,000-cell sweep has as many configurations, and a scan
    // of the run per configuration would be quadratic.
    std::unordered_map<std::string, std::size_t> index;
    for (const sb::Cell& c : shownRun_->cells) {
      const auto [it, added] = index.try_emplace(c.workload + '\n' + sb::params_to_string(c.params), groups_.size());
      if (added) {
        groups_.emplace_back();
        names << configLabel(c);
      }
      groups_[it->second].push_back(&c);
    }
  }
  {
    const QSignalBlocker block(configBox_);
    configBox_->clear();
    configBox_->addItems(names);
    configBox_->setCurrentIndex(-1);
  }
  int first = 0;
  if (prefer_)
    for (std::size_t i = 0; i < groups_.size(); ++i)
      if (prefer_(groups_[i])) {
        first = static_cast<int>(i);
        break;
      }
  if (!names.isEmpty()) configBox_->setCurrentIndex(first);
  followSelection();
  if (names.isEmpty()) showConfig();
}

void ConfigPlotPage::followSelection() {
  if (!shownRun_) return;
  const sb::Cell* cell = store_->selectedCellIn(*shownRun_);
  if (!cell) return;
  for (std::size_t i = 0; i < groups_.size(); ++i)
    if (groups_[i].front()->workload == cell->workload && groups_[i].front()->params == cell->params) {
      configBox_->setCurrentIndex(static_cast<int>(i));
      return;
    }
}

void ConfigPlotPage::showConfig() {
  const int i = configBox_->currentIndex();
  if (i < 0 || !shownRun_) {
    for (PlotView* v : views_) {
      Plot empty;
      empty.emptyText = tr("Open a results file (File \u2192 Open, or drop it here) to see its cells.");
      v->setPlot(empty);
    }
    return;
  }
  const Cells& cells = groups_[static_cast<std::size_t>(i)];
  std::vector<Plot> plots = build_(cells, optionBox_->isVisible() || options_ ? optionBox_->currentIndex() : -1);
  for (std::size_t v = 0; v < views_.size() && v < plots.size(); ++v) views_[v]->setPlot(std::move(plots[v]));
}

}  // namespace sb::gui
